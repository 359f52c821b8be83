import { neutralise } from '../lib/safe-text.js';
import { answerDiffCells, findingReasonChange, flowDiffCells } from '../phrase/diff.js';
import type { ReportDiff } from '../schema/diff.js';
import type { Finding } from '../schema/report.js';
import { diffLines } from './diff-lines.js';
import type { DocumentMeta } from './doc-meta.js';
import { templates } from './templates.js';
import { formatUtc } from './time.js';

export type DiffViewModel = ReturnType<typeof diffViewModel>;

const item = (f: Finding, severityChange: string | null = null, reasonChange: string | null = null) => ({
  severity: f.severity,
  title: f.title,
  subject: f.subject,
  id: f.id,
  detail: f.detail ?? null,
  severityChange,
  reasonChange,
});

function diffViewModel(d: ReportDiff) {
  const run = (r: ReportDiff['old']) => ({
    id: r.id ?? r.startedAt,
    when: formatUtc(r.startedAt),
    status: r.status,
    tool: r.toolVersion,
  });
  const f = d.findings;
  return {
    host: d.new.host,
    meta: diffMeta(d),
    before: run(d.old),
    after: run(d.new),
    hostWarning: d.sameHost ? null : `These reports are of different hosts: ${d.old.host} and ${d.new.host}.`,
    headline: `${f.new.length} new, ${f.resolved.length} resolved and ${f.persisting.length} persisting findings.`,
    summary: d.summary ?? null,
    evidence: d.evidence
      ? {
          changes: d.evidence.changes.map((c) => ({
            path: c.path,
            change: c.change,
            binary: c.binary,
            truncated: c.truncated,
            lines: c.patch ? diffLines(c.patch) : [],
          })),
          count: d.evidence.changes.length,
          noiseOnly: d.evidence.noiseOnly,
        }
      : null,
    answers: d.answers.map((a) => ({ question: a.question, ...answerDiffCells(a) })),
    rootBefore: d.rootCause.before ?? 'none',
    rootAfter: d.rootCause.after ?? 'none',
    groups: [
      { title: 'New findings', count: f.new.length, items: f.new.map((x) => item(x)) },
      { title: 'Resolved findings', count: f.resolved.length, items: f.resolved.map((x) => item(x)) },
      {
        title: 'Persisting findings',
        count: f.persisting.length,
        items: f.persisting.map((p) =>
          item(p.finding, p.changed ? `was ${p.severityBefore}` : null, findingReasonChange(p)),
        ),
      },
    ],
    flows: d.flows.map((fl) => ({ name: fl.name, change: fl.change, ...flowDiffCells(fl) })),
  };
}

export function diffMeta(d: ReportDiff): DocumentMeta {
  return {
    title: `Firewall audit comparison: ${d.new.host}`,
    author: `pveaudit ${d.new.toolVersion}`,
    subject: `Changes between audits ${d.old.id ?? d.old.startedAt} and ${d.new.id ?? d.new.startedAt}`,
    headerLeft: d.new.host,
    headerRight: `Diff ${d.old.id ?? d.old.startedAt} -> ${d.new.id ?? d.new.startedAt}`,
  };
}

// The same look as the report (shared CSS), for two runs side by side.
export function renderDiffHtml(d: ReportDiff): string {
  const t = templates();
  return neutralise(t.diff({ ...diffViewModel(d), css: t.css }));
}
