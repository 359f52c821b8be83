import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceOutputs } from '../../bundle/index.js';
import { InputError } from '../../lib/errors.js';
import { type Report, ReportSchema } from '../../schema/report.js';
import type { Io } from '../io.js';
import { printReportSummary, writeOutputFiles } from '../outputs.js';
import { analyseBundleDir, openPrinterIfNeeded, parseFormats, parsePaper, writeReports } from '../pipeline.js';

export interface RenderOptions {
  dir: string;
  intent?: string;
  out?: string;
  format?: string;
  paper?: string;
}

// A report dir is re-rendered from its report.json (what was signed stays what it says);
// a bare evidence bundle, or one given --intent, is analysed afresh.
export async function renderCommand(opts: RenderOptions, io: Io): Promise<number> {
  const formats = parseFormats(opts.format);
  const paper = parsePaper(opts.paper);
  const existing = join(opts.dir, 'report.json');
  const report =
    !opts.intent && (await stat(existing).catch(() => null))
      ? await loadReport(existing)
      : await analyseBundleDir(opts.dir, { intentPath: opts.intent });
  const printer = await openPrinterIfNeeded(formats);
  try {
    const outputs = await writeReports(opts.dir, report, formats, printer, paper);
    if (opts.out) await writeOutputFiles(opts.out, outputs);
    else await replaceOutputs(opts.dir, outputs);
    printReportSummary(io, opts.out ?? opts.dir, Object.keys(outputs), report);
    return 0;
  } finally {
    await printer?.close();
  }
}

export async function loadReport(path: string): Promise<Report> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new InputError(`not a readable report.json: ${(cause as Error).message}`, { file: path });
  }
  const parsed = ReportSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new InputError(`${first?.message}`, { file: path, field: first?.path.join('.') || '(root)' });
  }
  return parsed.data;
}
