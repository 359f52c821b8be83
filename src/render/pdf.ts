import { accessSync, constants } from 'node:fs';
import { BrowserError } from '../lib/errors.js';
import { type Cdp, launchCdp } from './cdp.js';
import { escapeXml } from './escape.js';
import { setPdfInfo } from './pdf-meta.js';

// The only headless-browser adapter in pveaudit: one browser per run, one page (target) per PDF,
// pages printed in parallel when several reports are asked for at once.

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

// What printing several pages at once in a headless browser needs besides: no throttling of pages
// that are not in front, no scrollbars in the layout, no first window to create.
const LAUNCH_ARGS: readonly string[] = [
  '--headless',
  '--hide-scrollbars',
  '--mute-audio',
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--no-startup-window',
];

// Paper in inches, as the DevTools protocol takes it: A4 is 210 x 297 mm.
const MM = 1 / 25.4;
const PAPER = { A4: { width: 210 * MM, height: 297 * MM }, Letter: { width: 8.5, height: 11 } } as const;
const LOAD_TIMEOUT_MS = 30_000;

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
  let cdp: Cdp;
  try {
    cdp = await launchCdp(executablePath, [...CHROMIUM_ARGS, ...LAUNCH_ARGS]);
  } catch (cause) {
    throw new BrowserError(`Chromium at ${executablePath} did not start (${(cause as Error).message}); ${HINT}`, cause);
  }
  return {
    async print(html, o) {
      let targetId: string | null = null;
      try {
        ({ targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' }));
        const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', {
          targetId,
          flatten: true,
        });
        const page = <T>(method: string, params?: object) => cdp.send<T>(method, params, sessionId);
        // No network and no scripts: the HTML references nothing outside itself.
        await page('Emulation.setScriptExecutionDisabled', { value: true });
        await page('Page.enable');
        const { frameTree } = await page<{ frameTree: { frame: { id: string } } }>('Page.getFrameTree');
        const loaded = cdp.once('Page.loadEventFired', sessionId);
        await page('Page.setDocumentContent', { frameId: frameTree.frame.id, html });
        await withTimeout(loaded, LOAD_TIMEOUT_MS, 'the report page did not finish loading');
        const paper = PAPER[o.format];
        const { data } = await page<{ data: string }>('Page.printToPDF', {
          paperWidth: paper.width,
          paperHeight: paper.height,
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: header(o),
          footerTemplate: footer(),
          marginTop: 18 * MM,
          marginBottom: 16 * MM,
          marginLeft: 14 * MM,
          marginRight: 14 * MM,
        });
        return setPdfInfo(Buffer.from(data, 'base64'), { Title: o.title, Author: o.author, Subject: o.subject });
      } catch (cause) {
        if (cause instanceof BrowserError) throw cause;
        throw new BrowserError(`Chromium failed to print the PDF: ${(cause as Error).message}`, cause);
      } finally {
        if (targetId) await cdp.send('Target.closeTarget', { targetId }).catch(() => undefined);
      }
    },
    async close() {
      await cdp.close();
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
