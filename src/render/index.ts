import type { Report } from '../schema/report.js';
import { documentMeta } from './doc-meta.js';
import type { PdfPrinter, PrintOptions } from './pdf.js';
import type { RenderContext } from './vm-evidence.js';

export type { PdfPrinter } from './pdf.js';
export type { RenderContext } from './vm-evidence.js';

export type Format = 'html' | 'pdf' | 'json' | 'md' | 'summary';

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

// Exhaustive: adding a format without its files and a renderer does not compile. A format may write
// more than one file (summary: a Markdown and a PDF named after host and run).
export const FORMATS: Record<Format, (job: Job) => Promise<Record<string, string | Buffer>>> = {
  html: async (j) => ({ 'report.html': await j.html() }),
  pdf: async (j) => ({
    'report.pdf': await (await j.printer()).print(await j.html(), { format: j.paper, ...documentMeta(j.report) }),
  }),
  json: async (j) => ({ 'report.json': `${JSON.stringify(j.report, null, 2)}\n` }),
  md: async (j) => ({ 'report.md': (await import('./markdown.js')).renderMarkdown(j.report) }),
  summary: async (j) => {
    const s = await import('./summary.js');
    const { summaryStem, summaryView } = await import('./summary-view.js');
    const stem = summaryStem(j.report);
    const pdf = await (await j.printer()).print(s.renderSummaryHtml(j.report), {
      format: j.paper,
      ...summaryView(j.report).meta,
    });
    return { [`${stem}.md`]: s.renderSummaryMarkdown(j.report), [`${stem}.pdf`]: pdf };
  },
};

// The renderers load on first use: a json-only render never loads Handlebars, and the browser adapter
// (src/render/pdf.ts, Chromium over the DevTools protocol) loads only when a PDF is asked for.
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
    for (const f of [...new Set(formats)]) Object.assign(out, await FORMATS[f](job));
  } finally {
    await own?.close();
  }
  return out;
}
