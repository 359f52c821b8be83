import type { Report } from '../schema/report.js';
import { documentMeta } from './doc-meta.js';
import { SEVERITY_LABEL, SEVERITY_ORDER } from './labels.js';
import { formatElapsed, formatUtc } from './time.js';
import { answersView } from './view-model.js';
import { hasAction, runbookOrder } from './vm-findings.js';

// The ticket summary: what a ticket needs on one or two pages. The full report stays the record.

// Beyond this many findings the summary lists the count and points at the report (keeps it short).
const MAX_FINDINGS = 12;
const MAX_STEPS = 10;

// "pve1-20261125T184900Z-summary": identifies host and run when the file travels without its directory.
export function summaryStem(report: Report): string {
  const id = report.id ?? `${report.host.name}-${report.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
  return `${id.replace(/[^A-Za-z0-9._-]/g, '_')}-summary`;
}

export function summaryView(report: Report) {
  const meta = documentMeta(report);
  const sorted = SEVERITY_ORDER.flatMap((s) => report.findings.filter((f) => f.severity === s));
  const steps = runbookOrder(report.findings).filter(hasAction);
  return {
    meta: { ...meta, title: `Ticket summary: ${meta.title}`, headerRight: `Summary, ${meta.headerRight}` },
    host: report.host.name,
    node: report.host.node ?? 'n/a',
    address: report.host.address ?? 'n/a',
    reportId: report.id ?? 'n/a',
    run: `${formatUtc(report.startedAt)}${(() => {
      const e = formatElapsed(report.startedAt, report.finishedAt);
      return e ? ` (${e})` : '';
    })()}`,
    tool: `${report.tool.name} ${report.tool.version}`,
    complete: report.status === 'complete',
    incomplete: report.incompleteSteps.map((s) => `${s.step}: ${s.reason}`),
    answers: answersView(report),
    rootCause: report.rootCause?.summary ?? null,
    counts: SEVERITY_ORDER.map((s) => ({ severity: s, label: SEVERITY_LABEL[s], count: report.summary[s] })),
    findings: sorted.slice(0, MAX_FINDINGS).map((f) => ({
      severity: f.severity,
      label: SEVERITY_LABEL[f.severity],
      title: f.title,
      subject: f.subject,
    })),
    moreFindings: Math.max(0, sorted.length - MAX_FINDINGS),
    steps: steps.slice(0, MAX_STEPS).map((f, i) => ({ number: i + 1, title: f.title })),
    moreSteps: Math.max(0, steps.length - MAX_STEPS),
    digest: report.evidenceDigest ?? 'not recorded',
    roles: ['Prepared by', 'Reviewed by', 'Approved by'],
  };
}
export type SummaryView = ReturnType<typeof summaryView>;
