import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../../lib/hash.js';
import { openPdfPrinter } from '../../render/index.js';
import { renderSignoffHtml, signoffMeta } from '../../render/signoff-html.js';
import type { SignatureCheck } from '../../schema/signoff.js';
import { SIGNATURES_DIR } from '../../sign/signoff.js';
import { writeOutputFiles } from '../outputs.js';
import { parsePaper } from '../pipeline.js';
import { loadReport } from './render.js';

// signoff.html + signoff.pdf, into signatures/ (never a file the manifest covers) or --out.
export async function writeSignoffSheet(opts: {
  dir: string;
  checks: readonly SignatureCheck[];
  allowedSigners: string | null;
  now: Date;
  out?: string;
  paper?: string;
}): Promise<string[]> {
  const report = await loadReport(join(opts.dir, 'report.json'));
  const manifest = await readFile(join(opts.dir, 'manifest.json'));
  const html = renderSignoffHtml({
    report,
    manifestSha256: sha256(manifest),
    checks: opts.checks,
    allowedSigners: opts.allowedSigners,
    verifiedAt: opts.now.toISOString(),
  });
  const printer = await openPdfPrinter();
  let pdf: Buffer;
  try {
    pdf = await printer.print(html, { format: parsePaper(opts.paper), ...signoffMeta(report) });
  } finally {
    await printer.close();
  }
  const out = opts.out ?? join(opts.dir, SIGNATURES_DIR);
  await writeOutputFiles(out, { 'signoff.html': html, 'signoff.pdf': pdf });
  return [join(out, 'signoff.html'), join(out, 'signoff.pdf')];
}
