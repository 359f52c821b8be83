import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { documentMeta } from '../../src/render/doc-meta.js';
import { renderHtml } from '../../src/render/html.js';
import { openPdfPrinter, type PdfPrinter } from '../../src/render/pdf.js';
import { loadContext, loadReport } from './fixture.js';

// One Chromium for the whole file, as in a real run.
let printer: PdfPrinter;
test.before(async () => {
  printer = await openPdfPrinter();
});
test.after.always(async () => {
  await printer?.close();
});

const seed = loadReport('seed');
const ctx = loadContext(seed);
const meta = documentMeta(seed);
const dir = mkdtempSync(join(tmpdir(), 'pa-pdf-test-'));

async function print(name: string, format: 'A4' | 'Letter', html = renderHtml(seed, ctx)) {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, await printer.print(html, { format, ...meta }));
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(info)?.[1] ?? '';
  const pages = Number(field('Pages'));
  const page = (i: number) =>
    execFileSync('pdftotext', ['-layout', '-f', String(i), '-l', String(i), file, '-'], { encoding: 'utf8' });
  return { file, field, pages, page, text: execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }) };
}

const HEADING = new RegExp(
  [
    '^\\d+ (Executive summary|Root cause|Findings|Remediation|Guest firewall state|Flows|What the capture shows|Appendix: evidence|Sign-off)$',
    '^Step \\d+ ',
    '^E\\d+ \\S+$',
    '^(Critical|High|Medium|Low|Info) \\(\\d+\\)$',
    '^(PATCH|COMMANDS|VERIFY)',
    '^Findings by severity$',
  ].join('|'),
);

// The last line of body text on each page must not be a heading: headings travel with what follows.
function strandedHeadings(pdf: Awaited<ReturnType<typeof print>>): string[] {
  const stranded: string[] = [];
  for (let i = 1; i < pdf.pages; i++) {
    const lines = pdf
      .page(i)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('Page ') && !l.includes(`Report ${seed.id}`));
    const last = lines.at(-1) ?? '';
    if (HEADING.test(last)) stranded.push(`page ${i}: ${last}`);
  }
  return stranded;
}

test('A4: page size, metadata, and a text PDF with the host, Remediation and the sign-off', async (t) => {
  const pdf = await print('a4', 'A4');
  t.regex(pdf.field('Page size'), /^595\.\d+ x 841\.\d+ pts \(A4\)$/);
  t.is(pdf.field('Title'), meta.title);
  t.is(pdf.field('Author'), 'pveaudit 0.1.0');
  t.is(pdf.field('Subject'), meta.subject);
  t.true(pdf.pages >= 3);
  for (const s of [
    seed.host.name,
    'Remediation',
    'Sign-off',
    'Prepared by',
    'Reviewed by',
    'Signature',
    seed.evidenceDigest ?? 'x',
  ]) {
    t.true(pdf.text.includes(s), s);
  }
  const syns = seed.flows.find((f) => f.name === 'traefik-to-portainer')?.observed?.capture?.syn;
  t.true(pdf.text.includes(`${syns} connection attempts 1 s apart; no answer came back.`));
  t.deepEqual(strandedHeadings(pdf), []);
});

test('Letter: page size, and every page carries the header and "Page X of N" with the right N', async (t) => {
  const pdf = await print('letter', 'Letter');
  t.regex(pdf.field('Page size'), /^612 x 792 pts \(letter\)$/);
  t.true(pdf.pages >= 3);
  for (let i = 1; i <= pdf.pages; i++) {
    const text = pdf.page(i);
    t.true(text.includes(`Page ${i} of ${pdf.pages}`), `page ${i}`);
    t.true(text.includes(`Report ${seed.id}`), `header on page ${i}`);
  }
  t.deepEqual(strandedHeadings(pdf), []);
});

test('the heading check itself catches a heading left at a page bottom', async (t) => {
  // A spacer that fills the first page almost to the bottom, then a section heading with no room below it.
  const html = renderHtml(seed, ctx).replace(
    '<main class="doc">',
    '<main class="doc"><div style="height:236mm"></div><h2 style="break-after:auto">Flows</h2><div style="break-before:page"></div>',
  );
  const pdf = await print('stranded', 'A4', html);
  t.deepEqual(strandedHeadings(pdf), ['page 1: 1 Flows']);
});

test('a very long evidence line is wrapped, not cut: its tail is in the PDF text', async (t) => {
  const tail = 'TAILMARKER-e4d1c2';
  const long = `-A PVEFW-HOST-IN ${'x'.repeat(1500)} ${'averyveryverylongtokenwithoutanyspaces'.repeat(30)}${tail}`;
  const html = renderHtml(seed, { evidenceText: { ...ctx.evidenceText, 'commands/iptables-save.out': `${long}\n` } });
  const pdf = await print('long', 'A4', html);
  t.true(pdf.text.replace(/\s+/g, '').includes(tail));
});

test('the same HTML prints twice with the same page count and text', async (t) => {
  const [a, b] = [await print('twice-1', 'A4'), await print('twice-2', 'A4')];
  t.is(a.pages, b.pages);
  t.is(a.text, b.text);
});
