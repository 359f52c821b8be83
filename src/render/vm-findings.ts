import type { Finding, Report } from '../schema/report.js';
import { diffLines } from './diff-lines.js';
import { SEVERITY_LABEL, SEVERITY_ORDER } from './labels.js';

const rank = (f: Finding) => SEVERITY_ORDER.indexOf(f.severity);

// A step in the runbook needs something to run or apply; the rest are notes.
export const hasAction = (f: Finding) =>
  f.remediation.commands.length > 0 || f.remediation.patch !== null || (f.remediation.verify ?? []).length > 0;

// Runbook order: the analysis' own order first, then severity, then report order (stable, so deterministic).
export function runbookOrder(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        (a.f.remediation.order ?? Number.MAX_SAFE_INTEGER) - (b.f.remediation.order ?? Number.MAX_SAFE_INTEGER) ||
        rank(a.f) - rank(b.f) ||
        a.i - b.i,
    )
    .map(({ f }) => f);
}

export function remediationView(report: Report) {
  const ordered = runbookOrder(report.findings);
  const steps = ordered.filter(hasAction).map((f, i) => ({
    number: i + 1,
    anchor: `fix-${f.id}`,
    findingAnchor: `finding-${f.id}`,
    title: f.title,
    severity: f.severity,
    severityLabel: SEVERITY_LABEL[f.severity],
    summary: f.remediation.summary,
    file: f.remediation.file ?? null,
    commands: f.remediation.commands.length > 0 ? f.remediation.commands.join('\n') : null,
    patch: f.remediation.patch === null ? null : diffLines(f.remediation.patch),
    verify: (f.remediation.verify ?? []).length > 0 ? (f.remediation.verify ?? []).join('\n') : null,
    phoenix: f.remediation.phoenix ?? null,
  }));
  const notes = ordered
    .filter((f) => !hasAction(f))
    .map((f) => ({ title: f.title, summary: f.remediation.summary, anchor: `finding-${f.id}` }));
  return { steps, notes, stepOf: new Map(steps.map((s) => [s.anchor, s.number])) };
}

export function findingsView(report: Report, stepOf: ReadonlyMap<string, number>) {
  const evidenceIndex = new Map(report.evidence.map((e, i) => [e.path, i]));
  return SEVERITY_ORDER.map((severity) => {
    const findings = report.findings.filter((f) => f.severity === severity);
    return {
      severity,
      label: SEVERITY_LABEL[severity],
      count: report.summary[severity],
      findings: findings.map((f) => ({
        anchor: `finding-${f.id}`,
        id: f.id,
        checkId: f.checkId,
        title: f.title,
        subject: f.subject,
        detail: f.detail ?? null,
        outcome: f.outcome ?? null,
        step: stepOf.get(`fix-${f.id}`) ?? null,
        stepAnchor: `fix-${f.id}`,
        evidence: f.evidence.map((path) => {
          const i = evidenceIndex.get(path);
          return { path, anchor: i === undefined ? null : `ev-${i + 1}` };
        }),
      })),
    };
  }).filter((g) => g.count > 0 || g.findings.length > 0);
}
