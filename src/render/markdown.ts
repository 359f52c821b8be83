import { neutralise } from '../lib/safe-text.js';
import type { Report } from '../schema/report.js';
import { documentMeta } from './doc-meta.js';
import { location, QUESTION_ORDER, QUESTIONS, route, SEVERITY_LABEL, SEVERITY_ORDER } from './labels.js';
import { formatElapsed, formatUtc } from './time.js';
import { checksView, outcomeLine } from './vm-checks.js';
import { hasAction, runbookOrder } from './vm-findings.js';
import { flowsView } from './vm-flows.js';
import { guestsView } from './vm-guests.js';

// Markdown for pasting into a ticket: the decisions and the fixes, not the evidence itself.

// Plain text: no raw HTML reaches the ticket system, nothing is mistaken for markup, and the raw text
// stays readable (intra-word _ and a lone > are left alone; CommonMark does not treat them as markup).
export function esc(s: string): string {
  return s
    .replace(/&(?=#?[a-zA-Z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/([\\`*[|])/g, '\\$1')
    .replace(/(^|\s)_/g, '$1\\_')
    .replace(/^>/, '\\>');
}

export function cell(s: string): string {
  return esc(s).replace(/\r?\n/g, ' ');
}

export function code(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

function block(lang: string, body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body.replace(/\n$/, '')}\n${fence}`;
}

export function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function header(report: Report): string[] {
  const h = report.host;
  const elapsed = formatElapsed(report.startedAt, report.finishedAt);
  const status =
    report.status === 'complete'
      ? '**complete**'
      : `**INCOMPLETE**: ${report.incompleteSteps.map((s) => `${code(s.step)} (${cell(s.reason)})`).join('; ')}`;
  return [
    `# ${esc(documentMeta(report).title)}`,
    '',
    table(
      ['', ''],
      [
        ['Host', cell(`${h.name}${h.address ? ` (${h.address})` : ''}, node ${h.node ?? 'n/a'}`)],
        ['PVE version', cell(h.pveVersion ?? 'unknown')],
        [
          'Run',
          cell(`${formatUtc(report.startedAt)} to ${formatUtc(report.finishedAt)}${elapsed ? ` (${elapsed})` : ''}`),
        ],
        ['Tool', cell(`${report.tool.name} ${report.tool.version}`)],
        ['Report id', report.id ? code(report.id) : 'n/a'],
        ['Status', status],
      ],
    ),
  ];
}

function answers(report: Report): string[] {
  const lines = ['## Answers', ''];
  for (const q of QUESTION_ORDER) {
    const a = report.answers.find((x) => x.question === q);
    lines.push(
      `- **${esc(QUESTIONS[q].text)}** ${a ? `**${a.answer.toUpperCase()}**: ${esc(a.because)}` : '_not answered_'}`,
    );
  }
  return lines;
}

function rootCause(report: Report): string[] {
  const rc = report.rootCause;
  if (!rc)
    return [
      '## Root cause',
      '',
      report.outcomes ? 'None: nothing the audit tried or simulated fails as it should not.' : '_Not determined._',
    ];
  const flow = report.flows.find((f) => f.id === rc.flow);
  const lines = ['## Root cause', '', esc(rc.summary), '', `- Layer: ${esc(rc.layer)}`];
  if (rc.flow) lines.push(`- Flow: ${esc(flow ? `${flow.name} (${route(flow)})` : rc.flow)}`);
  if (rc.decidedBy) {
    const where = location(rc.decidedBy);
    lines.push(`- Decided by: ${where ? `${code(where)} ` : ''}(${rc.decidedBy.kind}) ${code(rc.decidedBy.text)}`);
  }
  return lines;
}

function findings(report: Report): string[] {
  const counts = SEVERITY_ORDER.map((s) => `${report.summary[s]} ${s}`).join(', ');
  const sorted = SEVERITY_ORDER.flatMap((s) => report.findings.filter((f) => f.severity === s));
  const rows = sorted.map((f) => [
    SEVERITY_LABEL[f.severity],
    cell(f.title),
    code(f.subject),
    code(f.checkId),
    code(f.id),
  ]);
  const checks = checksView(report).rows.map((c) => [`${c.mark} ${c.label}`, cell(c.title), code(c.id)]);
  const outcomes = outcomeLine(report);
  return [
    `## Findings (${counts})`,
    '',
    ...(outcomes ? [`${outcomes}.`, ''] : []),
    rows.length ? table(['Severity', 'Finding', 'Subject', 'Check', 'Id'], rows) : '_None._',
    ...(checks.length ? ['', '### Checks run (what was verified)', '', table(['Outcome', 'Check', 'Id'], checks)] : []),
  ];
}

function remediation(report: Report): string[] {
  const lines = [
    '## Remediation',
    '',
    'Apply in this order: a patch expects the steps before it. Commands run on the node as root; the final `pveaudit run` runs where pveaudit is installed.',
  ];
  const ordered = runbookOrder(report.findings);
  ordered.filter(hasAction).forEach((f, i) => {
    const r = f.remediation;
    lines.push('', `### ${i + 1}. ${esc(f.title)} (${f.severity})`, '', esc(r.summary));
    if (r.file) lines.push('', `File: ${code(r.file)}`);
    if (r.patch) lines.push('', block('diff', r.patch));
    if (r.commands.length) lines.push('', 'Commands:', '', block('sh', r.commands.join('\n')));
    if (r.verify?.length) lines.push('', 'Verify:', '', block('sh', r.verify.join('\n')));
    if (r.phoenix) lines.push('', `> Phoenix: ${esc(r.phoenix)}`);
  });
  const notes = ordered.filter((f) => !hasAction(f));
  if (notes.length)
    lines.push('', 'No action needed:', '', ...notes.map((f) => `- ${esc(f.title)}: ${esc(f.remediation.summary)}`));
  if (ordered.length === 0) lines.push('', '_Nothing to remediate._');
  return lines;
}

function guests(report: Report): string[] {
  const rows = guestsView(report.guests).map((g) => [
    cell(g.label),
    cell(g.ips),
    g.cluster,
    cell(g.guest),
    g.nics.map((n) => `${n.nic} ${n.state}`).join(', '),
    g.policy,
    `${g.effective}${g.brokenAt ? ` (broken at ${cell(g.brokenAt)})` : ''}`,
  ]);
  const head = ['Guest', 'IPs', 'Datacenter', 'Guest .fw', 'NICs', 'Policy in / out', 'Rules applied'];
  return ['## Guests', '', rows.length ? table(head, rows) : '_None._'];
}

function flows(report: Report): string[] {
  const view = flowsView(report);
  const rows = view.rows.map((f) => [
    cell(f.name),
    cell(`${f.from} → ${f.to}`),
    code(f.service),
    f.expected,
    f.simulated ? `${f.simulated.action}${f.simulated.where ? ` at ${code(f.simulated.where)}` : ''}` : 'not simulated',
    f.live
      ? `${f.live.action}${f.live.where ? ` at ${code(f.live.where)}` : ''}${f.live.differs ? ' (differs)' : ''}`
      : 'not walked',
    f.observed ? cell(f.observed.label) : 'not probed',
    `**${cell(f.verdict)}**`,
  ]);
  const lines = [
    '## Flows',
    '',
    rows.length
      ? table(['Flow', 'From → To', 'Service', 'Intended', 'Simulated', 'Live (kernel)', 'Observed', 'Verdict'], rows)
      : '_None._',
  ];
  if (view.sequences.length) lines.push('', ...view.sequences.map((s) => `- ${esc(s.name)}: ${esc(s.sentence)}`));
  return lines;
}

function evidence(report: Report): string[] {
  const rows = report.evidence.map((e, i) => [
    String(i + 1),
    code(e.path),
    e.exitCode === null ? 'n/a' : String(e.exitCode),
    code(e.sha256),
  ]);
  return [
    '## Evidence',
    '',
    rows.length ? table(['#', 'File', 'Exit', 'sha256'], rows) : '_None._',
    '',
    `Evidence digest: ${report.evidenceDigest ? code(report.evidenceDigest) : 'not recorded'}`,
  ];
}

export function renderMarkdown(report: Report): string {
  const parts = [
    header(report),
    answers(report),
    rootCause(report),
    findings(report),
    remediation(report),
    guests(report),
    flows(report),
    evidence(report),
  ];
  // node text (comments, descriptions, curl output) may hold terminal escapes: shown, never raw
  return neutralise(`${parts.map((p) => p.join('\n')).join('\n\n')}\n`);
}
