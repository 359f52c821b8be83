import { neutralise } from '../lib/safe-text.js';
import { answerDiffCells, findingReasonChange, flowDiffCells } from '../phrase/diff.js';
import type { ReportDiff } from '../schema/diff.js';
import type { Finding } from '../schema/report.js';

const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
const findingRow = (f: Finding) => row([f.severity, f.title, f.subject, `\`${f.id}\``]);

// A diff for a ticket: what changed between two audits of the same host.
export function renderDiffMarkdown(d: ReportDiff): string {
  const out: string[] = [];
  out.push(`# pveaudit diff: ${d.new.host}`, '');
  out.push(`- Before: ${d.old.id ?? d.old.startedAt} (${d.old.status}, pveaudit ${d.old.toolVersion})`);
  out.push(`- After: ${d.new.id ?? d.new.startedAt} (${d.new.status}, pveaudit ${d.new.toolVersion})`);
  if (!d.sameHost) out.push(`- Warning: the reports are of different hosts (${d.old.host} and ${d.new.host}).`);
  const f = d.findings;
  if (d.summary) out.push('', d.summary);
  out.push(
    '',
    `**${f.new.length} new, ${f.resolved.length} resolved, ${f.persisting.length} persisting findings${changedNote(d)}.**`,
    '',
  );
  // the three answers, then and now, lead
  out.push('## Audit answers', '', row(['Question', 'Before', 'After']), row(['---', '---', '---']));
  for (const a of d.answers) {
    const c = answerDiffCells(a);
    out.push(row([a.question, c.before, c.after]));
  }
  out.push('');

  const section = (title: string, items: Finding[]) => {
    out.push(`## ${title}`, '');
    if (items.length === 0) out.push('None.', '');
    else
      out.push(
        row(['Severity', 'Finding', 'Subject', 'Id']),
        row(['---', '---', '---', '---']),
        ...items.map(findingRow),
        '',
      );
  };
  section('New findings', f.new);
  section('Resolved findings', f.resolved);
  section(
    'Persisting findings',
    f.persisting.map((p) => p.finding),
  );
  const changed = f.persisting.filter((p) => p.changed);
  if (changed.length > 0) {
    out.push(
      '## Changed severity',
      '',
      row(['Before', 'After', 'Finding', 'Subject']),
      row(['---', '---', '---', '---']),
    );
    for (const p of changed) out.push(row([p.severityBefore, p.finding.severity, p.finding.title, p.finding.subject]));
    out.push('');
  }

  const reworded = f.persisting.flatMap((p) => {
    const why = findingReasonChange(p);
    return why ? [row([p.finding.title, p.finding.subject, why])] : [];
  });
  if (reworded.length > 0)
    out.push(
      '## Changed reason',
      '',
      row(['Finding', 'Subject', 'Reason']),
      row(['---', '---', '---']),
      ...reworded,
      '',
    );

  out.push('## Flows', '', row(['Flow', 'Change', 'Before', 'After']), row(['---', '---', '---', '---']));
  for (const fl of d.flows) {
    const c = flowDiffCells(fl);
    out.push(row([fl.name, fl.change, c.before, c.after]));
  }
  out.push(
    '',
    '## Root cause',
    '',
    `- Before: ${d.rootCause.before ?? 'none'}`,
    `- After: ${d.rootCause.after ?? 'none'}`,
    '',
  );
  if (d.evidence) {
    out.push('## Evidence that changed', '');
    if (d.evidence.changes.length === 0) out.push('No evidence file changed beyond timestamps and counters.', '');
    for (const c of d.evidence.changes) {
      out.push(`### ${c.path} (${c.change})`, '');
      if (c.patch) out.push(fence(c.patch), '');
      else out.push('Binary file; its content is compared through the flows.', '');
    }
    if (d.evidence.noiseOnly.length > 0) {
      out.push(
        `Differ only in timestamps, counters or digests: ${d.evidence.noiseOnly.map((p) => `\`${p}\``).join(', ')}`,
        '',
      );
    }
  }
  return neutralise(out.join('\n'));
}

export function changedNote(d: ReportDiff): string {
  const n = d.findings.persisting.filter((p) => p.changed).length;
  return n === 0 ? '' : ` (${n} with a changed severity)`;
}

// A fence longer than any backtick run inside the patch.
function fence(patch: string): string {
  const longest = Math.max(2, ...[...patch.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}diff\n${patch.replace(/\n$/, '')}\n${f}`;
}
