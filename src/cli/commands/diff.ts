import { join } from 'node:path';
import { readBundle } from '../../bundle/index.js';
import { listRuns } from '../../bundle/runs.js';
import { safeName } from '../../bundle/write.js';
import { diffEvidence, type EvidenceSet } from '../../diff/evidence.js';
import { diffReports } from '../../diff/index.js';
import { changedNote, renderDiffMarkdown } from '../../diff/markdown.js';
import { summarise } from '../../diff/summary.js';
import { UsageError } from '../../lib/errors.js';
import { answerDiffCells, flowDiffCells } from '../../phrase/diff.js';
import { diffMeta, renderDiffHtml } from '../../render/diff-html.js';
import { openPdfPrinter } from '../../render/index.js';
import { SEVERITIES, type Severity } from '../../schema/common.js';
import type { ReportDiff } from '../../schema/diff.js';
import type { Io } from '../io.js';
import { writeOutputFiles } from '../outputs.js';
import { parsePaper } from '../pipeline.js';
import { loadReport } from './render.js';

const DIFF_FORMATS = ['html', 'pdf', 'json', 'md'] as const;

export interface DiffOptions {
  oldDir?: string;
  newDir?: string;
  host?: string;
  reports?: string;
  out?: string;
  format?: string;
  paper?: string;
  failOnNew?: string;
}

// Compares two report directories (or, with --host, the two newest runs of a host); prints the
// summary; writes diff.html/.pdf/.json/.md with --out. Exit 1 with --fail-on-new when a new finding
// is at or above that severity.
export async function diffCommand(opts: DiffOptions, io: Io): Promise<number> {
  const formats = (opts.format ?? DIFF_FORMATS.join(',')).split(',').map((s) => s.trim());
  for (const f of formats) {
    if (!DIFF_FORMATS.includes(f as (typeof DIFF_FORMATS)[number])) {
      throw new UsageError(`unknown diff format "${f}": use ${DIFF_FORMATS.join(', ')}`);
    }
  }
  const failOn = opts.failOnNew === undefined ? null : (opts.failOnNew as Severity);
  if (failOn !== null && !SEVERITIES.includes(failOn)) {
    throw new UsageError(`--fail-on-new must be one of ${SEVERITIES.join(', ')}, not "${opts.failOnNew}"`);
  }
  const paper = parsePaper(opts.paper);
  const { oldDir, newDir } = await pickDirs(opts);
  const before = await loadReport(join(oldDir, 'report.json'));
  const after = await loadReport(join(newDir, 'report.json'));
  const base = diffReports(before, after);
  const withEvidence: ReportDiff = {
    ...base,
    evidence: diffEvidence(await evidenceOf(oldDir), await evidenceOf(newDir)),
  };
  const d: ReportDiff = { ...withEvidence, summary: summarise(before, after, withEvidence) };
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
  io.out(`${d.new.host}: ${d.summary}`);
  io.out(`  before ${oldDir}`);
  io.out(`  after  ${newDir}`);
  for (const a of d.answers) {
    const cells = answerDiffCells(a);
    io.out(`  ${a.question.padEnd(28)} ${cells.before} -> ${cells.after}`);
  }
  io.out(
    `  findings: ${d.findings.new.length} new, ${d.findings.resolved.length} resolved, ${d.findings.persisting.length} persisting${changedNote(d)}`,
  );
  for (const f of d.findings.new) io.out(`  new       [${f.severity}] ${f.title} (${f.subject})`);
  for (const f of d.findings.resolved) io.out(`  resolved  [${f.severity}] ${f.title} (${f.subject})`);
  for (const p of d.findings.persisting.filter((x) => x.changed)) {
    io.out(`  severity  ${p.severityBefore} -> ${p.finding.severity}: ${p.finding.title} (${p.finding.subject})`);
  }
  for (const fl of d.flows.filter((x) => x.change !== 'same')) {
    const [was, now] = [flowState(fl.before), flowState(fl.after)];
    // the same short state twice says nothing: show why each side decided, as the HTML diff does
    const cells = was === now && fl.reasonChanged ? flowDiffCells(fl) : { before: was, after: now };
    io.out(`  flow ${fl.change.padEnd(8)} ${fl.name}: ${cells.before} -> ${cells.after}`);
  }
  for (const c of d.evidence?.changes ?? []) io.out(`  evidence  ${c.change.padEnd(8)} ${c.path}`);
  if (opts.out) io.out(`diff written to ${opts.out}`);
  if (failOn !== null) {
    // a finding the older report did not have at this level: a new one, or one whose severity rose
    // into it (the same stable id, now high where it was low, is as much a regression)
    const atOrAbove = (s: Severity) => SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(failOn);
    const added = d.findings.new.filter((f) => atOrAbove(f.severity));
    const raised = d.findings.persisting.filter((p) => atOrAbove(p.finding.severity) && !atOrAbove(p.severityBefore));
    if (added.length + raised.length > 0) {
      const rose = raised.length > 0 ? ` (${raised.length} of them raised from a lower severity)` : '';
      io.out(`FAILED: ${added.length + raised.length} new finding(s) at or above ${failOn}${rose}`);
      return 1;
    }
  }
  return 0;
}

// Two directories given, or --host NAME: the two newest finished runs under REPORTS/NAME.
async function pickDirs(opts: DiffOptions): Promise<{ oldDir: string; newDir: string }> {
  if (opts.host !== undefined) {
    if (opts.oldDir || opts.newDir) throw new UsageError('give either two report directories or --host NAME, not both');
    const hostDir = join(opts.reports ?? 'reports', safeName(opts.host));
    const runs = await listRuns(hostDir);
    if (runs.length < 2) {
      throw new UsageError(`--host ${opts.host}: ${hostDir} has ${runs.length} finished run(s); a diff needs two`);
    }
    return { oldDir: join(hostDir, runs.at(-2)!), newDir: join(hostDir, runs.at(-1)!) };
  }
  if (!opts.oldDir || !opts.newDir) throw new UsageError('diff needs OLD_REPORT_DIR NEW_REPORT_DIR, or --host NAME');
  return { oldDir: opts.oldDir, newDir: opts.newDir };
}

// The evidence a run collected, path -> bytes; a directory with no manifest (report.json alone) has none.
async function evidenceOf(dir: string): Promise<EvidenceSet> {
  const bundle = await readBundle(dir).catch(() => null);
  const out = new Map<string, Buffer>();
  if (!bundle) return out;
  for (const e of bundle.manifest.evidence) {
    const bytes = await bundle.read(e.path);
    if (bytes) out.set(e.path, bytes);
  }
  return out;
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
