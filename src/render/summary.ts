import { neutralise } from '../lib/safe-text.js';
import type { Report } from '../schema/report.js';
import { cell, code, esc, table } from './markdown.js';
import { summaryView } from './summary-view.js';
import { templates } from './templates.js';

// summary.md: the ticket summary as Markdown (pasted into the ticket body).
export function renderSummaryMarkdown(report: Report): string {
  const v = summaryView(report);
  const lines = [
    `# ${esc(v.meta.title)}`,
    '',
    table(
      ['', ''],
      [
        ['Host', cell(`${v.host} (${v.address}), node ${v.node}`)],
        ['Run', cell(v.run)],
        ['Report id', code(v.reportId)],
        ['Status', v.complete ? 'complete' : `**INCOMPLETE**: ${cell(v.incomplete.join('; '))}`],
        ['Tool', cell(v.tool)],
      ],
    ),
    '',
    '## Answers',
    '',
    ...v.answers.map((a) => `- **${esc(a.question)}** **${a.answer}**: ${esc(a.because)}`),
    '',
    '## Root cause',
    '',
    v.rootCause ? esc(v.rootCause) : '_None: nothing is wrong, or it could not be determined._',
    '',
    `## Findings (${v.counts.map((c) => `${c.count} ${c.severity}`).join(', ')})`,
    '',
    ...(v.findings.length
      ? v.findings.map((f) => `- **${f.label}**: ${esc(f.title)} (${code(f.subject)})`)
      : ['_None._']),
    ...(v.moreFindings ? [`- ... and ${v.moreFindings} more in the full report`] : []),
    '',
    '## Runbook',
    '',
    ...(v.steps.length ? v.steps.map((s) => `${s.number}. ${esc(s.title)}`) : ['_Nothing to apply._']),
    ...(v.moreSteps ? [`... and ${v.moreSteps} more steps in the full report`] : []),
    '',
    `Evidence digest (sha256): ${code(v.digest)}`,
    '',
    '## Sign-off',
    '',
    ...v.roles.map((r) => `- ${r}: ______________________  Date: __________`),
    '',
    'Electronic sign-off: `pveaudit sign REPORT_DIR --key KEY --role reviewed`; check with `pveaudit verify REPORT_DIR --allowed-signers FILE`.',
  ];
  return neutralise(`${lines.join('\n')}\n`);
}

// The HTML the summary PDF is printed from (same stylesheet as the report).
export function renderSummaryHtml(report: Report): string {
  const t = templates();
  return neutralise(t.summary({ ...summaryView(report), css: t.css }));
}
