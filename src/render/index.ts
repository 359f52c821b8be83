import type { Report } from '../schema/report.js';
import { documentMeta } from './doc-meta.js';
import type { PdfPrinter, PrintOptions } from './pdf.js';
import type { RenderContext } from './vm-evidence.js';

export type { PdfPrinter } from './pdf.js';
export type { RenderContext } from './vm-evidence.js';

export type Format = 'html' | 'pdf' | 'json' | 'md';

export interface RenderOptions {
  paper?: PrintOptions['format'];
}

interface Job {
  report: Report;
  ctx: RenderContext;
  html: () => Promise<string>; // shared, so pdf and html render the template once
  printer: () => Promise<PdfPrinter>;
  paper: PrintOptions['format'];
}

// Exhaustive: adding a format without a file name and a renderer does not compile.
export const FORMATS: Record<Format, { file: string; render: (job: Job) => Promise<string | Buffer> }> = {
  html: { file: 'report.html', render: async (j) => j.html() },
  pdf: {
    file: 'report.pdf',
    render: async (j) => (await j.printer()).print(await j.html(), { format: j.paper, ...documentMeta(j.report) }),
  },
  json: { file: 'report.json', render: async (j) => `${JSON.stringify(j.report, null, 2)}\n` },
  md: { file: 'report.md', render: async (j) => (await import('./markdown.js')).renderMarkdown(j.report) },
};

// The renderers load on first use: a json-only render never loads Handlebars, and puppeteer-core (with
// its ~100 modules) loads only when a PDF is asked for.
export async function openPdfPrinter(opts?: { executablePath?: string }): Promise<PdfPrinter> {
  return (await import('./pdf.js')).openPdfPrinter(opts);
}

export function isFormat(s: string): s is Format {
  return Object.hasOwn(FORMATS, s);
}

// file name -> content, in the order asked for. A printer passed in stays open (one browser per run);
// one opened here is closed before returning.
export async function renderAll(
  report: Report,
  ctx: RenderContext,
  formats: readonly Format[],
  printer?: PdfPrinter,
  opts: RenderOptions = {},
): Promise<Record<string, Buffer | string>> {
  let html: string | undefined;
  let own: PdfPrinter | undefined;
  const job: Job = {
    report,
    ctx,
    paper: opts.paper ?? 'A4',
    html: async () => {
      html ??= (await import('./html.js')).renderHtml(report, ctx);
      return html;
    },
    printer: async () => {
      if (printer) return printer;
      own ??= await openPdfPrinter();
      return own;
    },
  };
  const out: Record<string, Buffer | string> = {};
  try {
    for (const f of [...new Set(formats)]) out[FORMATS[f].file] = await FORMATS[f].render(job);
  } finally {
    await own?.close();
  }
  return out;
}
