import { openBundleWriter, readBundle, verifyBundle } from '../../bundle/index.js';
import { EvidenceError } from '../../lib/errors.js';
import { rootPath } from '../../lib/root.js';
import type { Io } from '../io.js';
import { printReportSummary } from '../outputs.js';
import { analyseBundleDir, openPrinterIfNeeded, parseFormats, parsePaper, writeReports } from '../pipeline.js';

export const SAMPLE_DIR = rootPath('samples', 'seed');

// The bundled sample audit goes through the same path as a live run: bundle -> analyse -> render.
export async function demoCommand(opts: { out?: string; format?: string; paper?: string }, io: Io): Promise<number> {
  const formats = parseFormats(opts.format);
  const paper = parsePaper(opts.paper);
  const check = await verifyBundle(SAMPLE_DIR);
  if (!check.ok) {
    throw new EvidenceError(
      `the bundled sample does not match its manifest (changed: ${check.changed.join(', ') || '-'}, missing: ${check.missing.join(', ') || '-'})`,
      { file: SAMPLE_DIR },
    );
  }
  const sample = await readBundle(SAMPLE_DIR);
  const { manifest } = sample;
  const writer = await openBundleWriter({
    reportsRoot: opts.out ?? 'reports',
    host: manifest.host.name,
    startedAt: new Date(manifest.startedAt),
  });
  const printer = await openPrinterIfNeeded(formats);
  try {
    for (const e of manifest.evidence) await writer.addEvidenceFile(e.path, sample.absolute(e.path), e.step);
    const input = {
      host: manifest.host,
      startedAt: manifest.startedAt,
      finishedAt: manifest.finishedAt,
      source: manifest.source,
      plan: manifest.plan,
      steps: manifest.steps,
      redactions: manifest.redactions,
      audit: manifest.audit,
    };
    await writer.seal(input);
    const report = await analyseBundleDir(writer.dir);
    const outputs = await writeReports(writer.dir, report, formats, printer, paper);
    const final = await writer.finish(input, outputs);
    printReportSummary(io, final, Object.keys(outputs), report);
    return 0;
  } catch (err) {
    await writer.abort();
    throw err;
  } finally {
    await printer?.close();
  }
}
