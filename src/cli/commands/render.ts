import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { replaceOutputs, verifyBundle } from '../../bundle/index.js';
import { SIGNATURES_DIR } from '../../bundle/paths.js';
import { runPool } from '../../collect/pool.js';
import { EvidenceError, InputError, UsageError } from '../../lib/errors.js';
import type { PdfPrinter } from '../../render/index.js';
import type { Report } from '../../schema/report.js';
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
  parsePaper(opts.paper); // a bad --paper is a usage error before the browser starts
  // Chromium starts while the report is read and analysed (handled at once: a browser that fails to
  // start must not end the process as an unhandled rejection before it is awaited).
  const printer = openPrinterIfNeeded(formats);
  printer.catch(() => undefined);
  try {
    await renderOne(opts, io, printer);
    return 0;
  } finally {
    await (await printer.catch(() => undefined))?.close();
  }
}

// Several directories in one run: one browser, their pages printed in parallel (a few at a time: each
// page is a renderer process), each directory rendered as `render DIR` would. A directory that fails
// is named and the others still render; the exit code is then 2.
export async function renderMany(dirs: string[], opts: Omit<RenderOptions, 'dir'>, io: Io): Promise<number> {
  const formats = parseFormats(opts.format);
  parsePaper(opts.paper);
  const outOf = outDirs(dirs, opts.out);
  const printer = openPrinterIfNeeded(formats);
  let failed = 0;
  try {
    await printer;
    await runPool(dirs, PAGES_IN_PARALLEL, async (dir) => {
      try {
        await renderOne({ ...opts, dir, out: outOf(dir) }, io, printer);
      } catch (err) {
        failed++;
        io.err(`pveaudit: ${dir}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  } finally {
    await (await printer.catch(() => undefined))?.close();
  }
  return failed > 0 ? 2 : 0;
}

const PAGES_IN_PARALLEL = 4;

// With --out, each directory's outputs go into <out>/<its name>: two inputs of the same name would
// overwrite each other, so that is refused before anything is rendered.
function outDirs(dirs: string[], out: string | undefined): (dir: string) => string | undefined {
  if (!out) return () => undefined;
  const seen = new Map<string, string>();
  for (const d of dirs) {
    const name = basename(resolve(d));
    const other = seen.get(name);
    if (other !== undefined)
      throw new UsageError(`--out with ${other} and ${d}: both would be written to ${join(out, name)}`);
    seen.set(name, d);
  }
  return (dir) => join(out, basename(resolve(dir)));
}

async function renderOne(opts: RenderOptions, io: Io, printer: Promise<PdfPrinter | undefined>): Promise<void> {
  const formats = parseFormats(opts.format);
  await checkIntegrity(opts, io);
  const paper = parsePaper(opts.paper);
  const existing = join(opts.dir, 'report.json');
  const report =
    !opts.intent && (await stat(existing).catch(() => null))
      ? await loadReport(existing)
      : await analyseBundleDir(opts.dir, { intentPath: opts.intent });
  const outputs = await writeReports(opts.dir, report, formats, await printer, paper);
  if (opts.out) await writeOutputFiles(opts.out, outputs);
  else {
    await replaceOutputs(opts.dir, outputs);
    await warnSignaturesVoided(opts.dir, io);
  }
  // a render into another directory writes the reports only; the manifest stays with the evidence
  printReportSummary(io, opts.out ?? opts.dir, Object.keys(outputs), report, !opts.out);
}

export async function loadReport(path: string): Promise<Report> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new InputError(`not a readable report.json: ${(cause as Error).message}`, { file: path });
  }
  // loaded here, not at the top: building the report schema cost a bundle's render ~2 % of its start-up
  const { ReportSchema } = await import('../../schema/report.js');
  const parsed = ReportSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new InputError(`${first?.message}`, { file: path, field: first?.path.join('.') || '(root)' });
  }
  return parsed.data;
}

// Re-rendering in place re-hashes the outputs: doing that over a changed report.json or evidence file
// would make a tampered report verify. So a directory that no longer matches its manifest is only
// rendered elsewhere (--out), with a warning.
async function checkIntegrity(opts: RenderOptions, io: Io): Promise<void> {
  if (!(await stat(join(opts.dir, 'manifest.json')).catch(() => null))) return;
  const r = await verifyBundle(opts.dir);
  if (r.ok) return;
  const what = [
    ...r.changed.map((p) => `changed ${p}`),
    ...r.missing.map((p) => `missing ${p}`),
    ...r.added.map((p) => `added ${p}`),
  ].join(', ');
  if (!opts.out) {
    throw new EvidenceError(
      `does not match its manifest (${what}); refusing to re-render it in place. Inspect it with --out DIR`,
      { file: opts.dir },
    );
  }
  io.err(`pveaudit: warning: ${opts.dir} does not match its manifest (${what}); rendering it into ${opts.out} anyway`);
}

// Sign-offs sign manifest.json; a render in place rewrites it, so they no longer verify.
async function warnSignaturesVoided(dir: string, io: Io): Promise<void> {
  const sigs = (await readdir(join(dir, SIGNATURES_DIR)).catch(() => [] as string[])).filter((n) => n.endsWith('.sig'));
  if (sigs.length > 0) {
    io.err(
      `pveaudit: note: manifest.json changed, so the ${sigs.length} sign-off signature(s) in ${SIGNATURES_DIR}/ no longer verify; sign again, or render with --out to leave the signed report as it is`,
    );
  }
}
