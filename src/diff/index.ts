import { SEVERITIES } from '../schema/common.js';
import type { ReportDiff } from '../schema/diff.js';
import type { Finding, Flow, Report } from '../schema/report.js';

const bySeverity = (a: Finding, b: Finding) =>
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.id.localeCompare(b.id);

// Finding ids are stable across runs (check, subject, normalised rule), so matching is by id.
export function diffReports(before: Report, after: Report): ReportDiff {
  const oldById = new Map(before.findings.map((f) => [f.id, f]));
  const newById = new Map(after.findings.map((f) => [f.id, f]));
  const added = after.findings.filter((f) => !oldById.has(f.id)).sort(bySeverity);
  const resolved = before.findings.filter((f) => !newById.has(f.id)).sort(bySeverity);
  const persisting = after.findings
    .filter((f) => oldById.has(f.id))
    .sort(bySeverity)
    .map((f) => {
      const was = oldById.get(f.id)!;
      return { finding: f, severityBefore: was.severity, changed: was.severity !== f.severity };
    });

  return {
    schemaVersion: '1',
    old: run(before),
    new: run(after),
    sameHost: before.host.name === after.host.name,
    findings: { new: added, resolved, persisting },
    flows: diffFlows(before.flows, after.flows),
    answers: ['rules-loaded', 'guest-firewalls-as-intended', 'packets-dropped'].map((q) => ({
      question: q,
      before: before.answers.find((a) => a.question === q)?.answer ?? null,
      after: after.answers.find((a) => a.question === q)?.answer ?? null,
    })),
    rootCause: { before: before.rootCause?.summary ?? null, after: after.rootCause?.summary ?? null },
  };
}

const run = (r: Report) => ({
  id: r.id ?? null,
  host: r.host.name,
  startedAt: r.startedAt,
  status: r.status,
  toolVersion: r.tool.version,
});

// Flows are matched by name: ids may embed run-specific addresses, names are what the admin wrote.
function diffFlows(before: Flow[], after: Flow[]): ReportDiff['flows'] {
  const names = [...new Set([...before.map((f) => f.name), ...after.map((f) => f.name)])].sort();
  return names.map((name) => {
    const b = before.find((f) => f.name === name);
    const a = after.find((f) => f.name === name);
    const pick = (f: Flow | undefined) => (f ? { verdict: f.verdict, simulated: f.simulated } : null);
    const change = !b ? 'new' : !a ? 'gone' : sameFlow(b, a) ? 'same' : 'changed';
    return { name, change, before: pick(b), after: pick(a) };
  });
}

const sameFlow = (a: Flow, b: Flow) =>
  a.verdict === b.verdict &&
  a.simulated?.action === b.simulated?.action &&
  a.simulated?.decidedBy.line === b.simulated?.decidedBy.line;
