import { accessSync, constants } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { BrowserError } from '../lib/errors.js';
import { escapeXml } from './escape.js';
import { setPdfInfo } from './pdf-meta.js';

// The only puppeteer-core adapter in pveaudit: one browser per run, one page per PDF.

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

// ENVIRONMENT.md §3: the resolver rule is what keeps Chromium from looking up Google hosts.
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--disable-quic',
  '--metrics-recording-only',
  '--no-pings',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost',
];

export interface PrintOptions {
  format: 'A4' | 'Letter';
  title: string;
  author: string;
  subject: string;
  headerLeft: string;
  headerRight: string;
}

export interface PdfPrinter {
  print(html: string, o: PrintOptions): Promise<Buffer>;
  close(): Promise<void>;
}

const HINT = 'install it with: apt-get install -y chromium, or set PVEAUDIT_CHROMIUM to its path';

export function chromiumPath(opts: { executablePath?: string } = {}): string {
  return opts.executablePath ?? process.env.PVEAUDIT_CHROMIUM ?? DEFAULT_CHROMIUM;
}

function header(o: PrintOptions): string {
  const style =
    'font-family:Liberation Sans,DejaVu Sans,sans-serif;font-size:9px;color:#616e7c;width:100%;margin:0 14mm;display:flex;justify-content:space-between;';
  return `<div style="${style}"><span>${escapeXml(o.headerLeft)}</span><span>${escapeXml(o.headerRight)}</span></div>`;
}

function footer(): string {
  const style =
    'font-family:Liberation Sans,DejaVu Sans,sans-serif;font-size:9px;color:#616e7c;width:100%;text-align:center;';
  return `<div style="${style}">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`;
}

export async function openPdfPrinter(opts: { executablePath?: string } = {}): Promise<PdfPrinter> {
  const executablePath = chromiumPath(opts);
  try {
    accessSync(executablePath, constants.X_OK);
  } catch (cause) {
    throw new BrowserError(`Chromium not found at ${executablePath}: ${HINT}`, cause);
  }
  let browser: Browser;
  try {
    // pveaudit's cli is the only signal owner: a library exit handler would skip the node's cleanup.
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (cause) {
    throw new BrowserError(`Chromium at ${executablePath} did not start (${(cause as Error).message}); ${HINT}`, cause);
  }
  return {
    async print(html, o) {
      const page = await browser.newPage();
      try {
        // No network: setContent never fetches, and the HTML references nothing outside itself.
        await page.setJavaScriptEnabled(false);
        await page.setContent(html, { waitUntil: 'load' });
        const pdf = await page.pdf({
          format: o.format,
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: header(o),
          footerTemplate: footer(),
          margin: { top: '18mm', bottom: '16mm', left: '14mm', right: '14mm' },
        });
        return setPdfInfo(Buffer.from(pdf), { Title: o.title, Author: o.author, Subject: o.subject });
      } catch (cause) {
        if (cause instanceof BrowserError) throw cause;
        throw new BrowserError(`Chromium failed to print the PDF: ${(cause as Error).message}`, cause);
      } finally {
        await page.close().catch(() => undefined);
      }
    },
    async close() {
      await browser.close();
    },
  };
}
