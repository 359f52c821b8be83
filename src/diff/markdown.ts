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
  out.push(
    '',
    `**${f.new.length} new, ${f.resolved.length} resolved, ${f.persisting.length} persisting findings${changedNote(d)}.**`,
    '',
  );

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

  out.push('## Audit answers', '', row(['Question', 'Before', 'After']), row(['---', '---', '---']));
  for (const a of d.answers) out.push(row([a.question, a.before ?? '-', a.after ?? '-']));
  out.push('', '## Flows', '', row(['Flow', 'Change', 'Before', 'After']), row(['---', '---', '---', '---']));
  for (const fl of d.flows) {
    const show = (s: typeof fl.before) => (s ? `${s.simulated?.action ?? '-'}: ${s.verdict}` : '-');
    out.push(row([fl.name, fl.change, show(fl.before), show(fl.after)]));
  }
  out.push(
    '',
    '## Root cause',
    '',
    `- Before: ${d.rootCause.before ?? 'none'}`,
    `- After: ${d.rootCause.after ?? 'none'}`,
    '',
  );
  return out.join('\n');
}

export function changedNote(d: ReportDiff): string {
  const n = d.findings.persisting.filter((p) => p.changed).length;
  return n === 0 ? '' : ` (${n} with a changed severity)`;
}
