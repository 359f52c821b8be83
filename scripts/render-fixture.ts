// Renders the render-test fixtures to /tmp/pa-render/<fixture>/ (html, md, json, A4 and Letter PDFs),
// then screenshots the HTML with headless Chromium and turns PDF pages into PNGs, for looking at.
// Usage: node --import tsx scripts/render-fixture.ts [outDir]
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAll } from '../src/render/index.js';
import { CHROMIUM_ARGS, chromiumPath, openPdfPrinter } from '../src/render/pdf.js';
import { loadContext, loadReport } from '../test/render/fixture.js';

const out = process.argv[2] ?? '/tmp/pa-render';
const SECTIONS = [
  'summary',
  'root-cause',
  'findings',
  'remediation',
  'guests',
  'flows',
  'sequences',
  'evidence',
  'sign-off',
];

function screenshot(html: string, png: string, size: string): void {
  const args = [...CHROMIUM_ARGS, '--headless', '--hide-scrollbars', `--window-size=${size}`, `--screenshot=${png}`];
  execFileSync(chromiumPath(), [...args, `file://${html}`], { stdio: 'ignore' });
}
const printer = await openPdfPrinter();
try {
  for (const name of ['seed', 'fixed', 'nocapture'] as const) {
    const dir = join(out, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const report = loadReport(name);
    const ctx = loadContext(report, name);
    const files = await renderAll(report, ctx, ['html', 'pdf', 'json', 'md'], printer);
    for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
    const letter = await renderAll(report, ctx, ['pdf'], printer, { paper: 'Letter' });
    writeFileSync(join(dir, 'report-letter.pdf'), letter['report.pdf'] ?? '');
    execFileSync('pdftoppm', ['-png', '-r', '60', join(dir, 'report.pdf'), join(dir, 'page')]);
    // The whole page, then each part at reading size: a copy of the HTML that shows only those sections.
    const html = String(files['report.html']);
    const views: [string, string[]][] = [
      ['top', ['summary', 'root-cause']],
      ['findings', ['findings']],
      ['remediation', ['remediation']],
      ['guests', ['guests']],
      ['flows', ['flows', 'sequences']],
      ['evidence', ['evidence', 'sign-off']],
    ];
    screenshot(join(dir, 'report.html'), join(dir, 'screen.png'), '1000,9000');
    for (const [view, keep] of views) {
      const hide = SECTIONS.filter((id) => !keep.includes(id)).map((id) => `#${id}`);
      if (view !== 'top') hide.push('.title-block');
      const file = join(dir, `view-${view}.html`);
      writeFileSync(file, html.replace('</head>', `<style>${hide.join(',')}{display:none}</style></head>`));
      screenshot(file, join(dir, `screen-${view}.png`), '1000,1500');
    }
    console.log(`${name}: ${dir}`);
  }
} finally {
  await printer.close();
}
