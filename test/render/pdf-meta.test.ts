import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { PveauditError } from '../../src/lib/errors.js';
import { pdfTextString, setPdfInfo } from '../../src/render/pdf-meta.js';

// A minimal one-page PDF with a correct classic xref table, shaped like Chromium's (Info 1 0 R).
function tinyPdf(): Buffer {
  const objs = [
    "<</Title (Old title) /Producer (Skia/PDF m156) /CreationDate (D:20261125184900+00'00')>>",
    '<</Type /Catalog /Pages 3 0 R>>',
    '<</Type /Pages /Kids [4 0 R] /Count 1>>',
    '<</Type /Page /Parent 3 0 R /MediaBox [0 0 595 842]>>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<</Size ${objs.length + 1}\n/Root 2 0 R\n/Info 1 0 R>>\nstartxref\n${xref}\n%%EOF`;
  return Buffer.from(body, 'latin1');
}

function pdfinfo(pdf: Buffer): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'pa-pdfmeta-'));
  const file = join(dir, 'x.pdf');
  writeFileSync(file, pdf);
  const out = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Object.fromEntries(
    out.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
  );
}

test('pdfinfo reads Title, Author and Subject after the update, and keeps Producer', (t) => {
  const out = setPdfInfo(tinyPdf(), {
    Title: 'Firewall audit: pve1',
    Author: 'pveaudit 0.1.0',
    Subject: 'Audit – ünïcode (x)',
  });
  const info = pdfinfo(out);
  t.is(info.Title, 'Firewall audit: pve1');
  t.is(info.Author, 'pveaudit 0.1.0');
  t.is(info.Subject, 'Audit – ünïcode (x)');
  t.is(info.Producer, 'Skia/PDF m156');
  t.is(info.Pages, '1');
});

test('the update is appended: original bytes untouched, xref offsets exact', (t) => {
  const before = tinyPdf();
  const out = setPdfInfo(before, { Author: 'a' });
  t.true(out.subarray(0, before.length).equals(before));
  const tail = out.toString('latin1');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(tail)?.[1]);
  t.is(tail.slice(startxref, startxref + 9), 'xref\n5 1\n');
  const entry = Number(tail.slice(startxref + 9, startxref + 19));
  t.is(tail.slice(entry, entry + 8), '5 0 obj\n');
  t.regex(tail, /trailer\n<<\/Size 6 \/Root 2 0 R \/Info 5 0 R \/Prev \d+>>/);
});

test('pdfTextString writes UTF-16BE with a byte order mark', (t) => {
  t.is(pdfTextString('A€'), '<FEFF004120AC>');
});

test('a PDF without a classic trailer is refused with a typed error', (t) => {
  const err = t.throws(() => setPdfInfo(Buffer.from('%PDF-1.7\nnothing here'), { Title: 'x' }));
  t.true(err instanceof PveauditError);
  t.is((err as PveauditError).code, 'E_BROWSER');
});
