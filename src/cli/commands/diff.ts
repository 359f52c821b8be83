import { join } from 'node:path';
import { diffReports } from '../../diff/index.js';
import { changedNote, renderDiffMarkdown } from '../../diff/markdown.js';
import { UsageError } from '../../lib/errors.js';
import { diffMeta, renderDiffHtml } from '../../render/diff-html.js';
import { openPdfPrinter } from '../../render/index.js';
import type { ReportDiff } from '../../schema/diff.js';
import type { Io } from '../io.js';
import { writeOutputFiles } from '../outputs.js';
import { parsePaper } from '../pipeline.js';
import { loadReport } from './render.js';

const DIFF_FORMATS = ['html', 'pdf', 'json', 'md'] as const;

// Compares two report directories; prints the summary, writes diff.json / diff.md with --out.
export async function diffCommand(
  opts: { oldDir: string; newDir: string; out?: string; format?: string; paper?: string },
  io: Io,
): Promise<number> {
  const formats = (opts.format ?? 'html,json,md').split(',').map((s) => s.trim());
  for (const f of formats) {
    if (!DIFF_FORMATS.includes(f as (typeof DIFF_FORMATS)[number])) {
      throw new UsageError(`unknown diff format "${f}": use ${DIFF_FORMATS.join(', ')}`);
    }
  }
  const paper = parsePaper(opts.paper);
  const before = await loadReport(join(opts.oldDir, 'report.json'));
  const after = await loadReport(join(opts.newDir, 'report.json'));
  const d = diffReports(before, after);
  if (opts.out) {
    const outputs: Record<string, string | Buffer> = {};
    if (formats.includes('json')) outputs['diff.json'] = `${JSON.stringify(d, null, 2)}\n`;
    if (formats.includes('md')) outputs['diff.md'] = renderDiffMarkdown(d);
    if (formats.includes('html') || formats.includes('pdf')) {
      const html = renderDiffHtml(d);
      if (formats.includes('html')) outputs['diff.html'] = html;
      if (formats.includes('pdf')) {
        const printer = await openPdfPrinter();
        try {
          outputs['diff.pdf'] = await printer.print(html, { format: paper, ...diffMeta(d) });
        } finally {
          await printer.close();
        }
      }
    }
    await writeOutputFiles(opts.out, outputs);
  }
  io.out(
    `${d.new.host}: ${d.findings.new.length} new, ${d.findings.resolved.length} resolved, ${d.findings.persisting.length} persisting findings${changedNote(d)}`,
  );
  for (const f of d.findings.new) io.out(`  new       [${f.severity}] ${f.title} (${f.subject})`);
  for (const f of d.findings.resolved) io.out(`  resolved  [${f.severity}] ${f.title} (${f.subject})`);
  for (const p of d.findings.persisting.filter((x) => x.changed)) {
    io.out(`  severity  ${p.severityBefore} -> ${p.finding.severity}: ${p.finding.title} (${p.finding.subject})`);
  }
  for (const fl of d.flows.filter((x) => x.change !== 'same')) {
    io.out(`  flow ${fl.change.padEnd(8)} ${fl.name}: ${flowState(fl.before)} -> ${flowState(fl.after)}`);
  }
  if (opts.out) io.out(`diff written to ${opts.out}`);
  return 0;
}

// "DROP at firewall/1001.fw:4": the simulated action and its deciding line, short enough for a terminal.
function flowState(s: ReportDiff['flows'][number]['before']): string {
  if (!s) return '-';
  if (!s.simulated) return 'not simulated';
  const at = s.simulated.decidedBy.file
    ? ` at ${s.simulated.decidedBy.file}${s.simulated.decidedBy.line ? `:${s.simulated.decidedBy.line}` : ''}`
    : '';
  // a one-word verdict (pass/fail) says what changed when the simulation did not
  return `${s.simulated.action}${at}${s.verdict.length <= 24 ? ` (${s.verdict})` : ''}`;
}
