import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { ReportSchema } from '../../src/schema/report.js';

// The README's first command, end to end: sample bundle -> analyse -> HTML/PDF/JSON/MD -> verify.
test.serial('demo renders the sample audit into a verifiable report directory', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'pa-demo-'));
  const io = bufferIo();
  const code = await main(['demo', '--out', out], io);
  t.is(code, 0, io.stderr.join('\n'));

  const [host] = await readdir(out);
  t.is(host, 'pve1');
  const dir = join(out, host!, await readlink(join(out, host!, 'latest')));
  const names = (await readdir(dir)).sort();
  t.deepEqual(names, ['evidence', 'manifest.json', 'report.html', 'report.json', 'report.md', 'report.pdf']);
  t.true(
    io.stdout.some((l) => l.includes('report.pdf')),
    'prints where the files are',
  );

  const report = ReportSchema.parse(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')));
  t.is(report.host.name, 'pve1');
  const packetsDropped = report.answers.find((a) => a.question === 'packets-dropped');
  t.is(packetsDropped?.answer, 'yes');
  t.is(report.rootCause?.layer, 'firewall');
  t.is(report.rootCause?.decidedBy?.file, 'firewall/1001.fw');

  const pdfText = execFileSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' });
  t.regex(pdfText, /pve1/);
  t.regex(pdfText, /Remediation/);
  t.regex(pdfText, /Prepared by/i);
  t.regex(pdfText, /Reviewed by/i);

  const ok = bufferIo();
  t.is(await main(['verify', dir], ok), 0, ok.stdout.join('\n'));

  // one byte of one evidence file changed -> verify names it and exits 1
  const target = join(dir, 'evidence/pve/firewall/cluster.fw');
  const bytes = await readFile(target);
  bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x20;
  await writeFile(target, bytes);
  const bad = bufferIo();
  t.is(await main(['verify', dir], bad), 1);
  t.true(bad.stdout.some((l) => l === 'changed  evidence/pve/firewall/cluster.fw'));
  await rm(out, { recursive: true });
});

test.serial('render re-renders a report directory byte-identically from its report.json', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'pa-demo-'));
  t.is(await main(['demo', '--out', out, '--format', 'html,json'], bufferIo()), 0);
  const dir = join(out, 'pve1', 'latest');
  const before = await readFile(join(dir, 'report.html'), 'utf8');
  const again = join(out, 'again');
  const io = bufferIo();
  t.is(await main(['render', dir, '--out', again, '--format', 'html'], io), 0, io.stderr.join('\n'));
  t.is(await readFile(join(again, 'report.html'), 'utf8'), before);
  t.is(await main(['verify', dir], bufferIo()), 0);
  await rm(out, { recursive: true });
});

test('a bad --format is a usage error that lists the valid ones', async (t) => {
  const io = bufferIo();
  t.is(await main(['demo', '--format', 'html,docx'], io), 2);
  t.regex(io.stderr.join('\n'), /unknown format "docx": use html, pdf, json, md/);
  const empty = bufferIo();
  t.is(await main(['demo', '--format', ''], empty), 2);
  t.regex(empty.stderr.join('\n'), /--format is empty/);
});

test('verify on a directory that is not a report says so', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pa-demo-'));
  const io = bufferIo();
  t.is(await main(['verify', dir], io), 2);
  t.regex(io.stderr.join('\n'), /no manifest\.json/);
  await rm(dir, { recursive: true });
});

test.serial('--paper letter prints the PDF on US Letter; an unknown size is a usage error', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'pa-demo-'));
  const io = bufferIo();
  t.is(await main(['demo', '--out', out, '--format', 'pdf', '--paper', 'letter'], io), 0, io.stderr.join('\n'));
  const info = execFileSync('pdfinfo', [join(out, 'pve1', 'latest', 'report.pdf')], { encoding: 'utf8' });
  t.regex(info, /Page size:\s+612 x 792 pts \(letter\)/);
  const bad = bufferIo();
  t.is(await main(['demo', '--out', out, '--paper', 'a5'], bad), 2);
  t.regex(bad.stderr.join('\n'), /unknown paper size "a5": use a4 or letter/);
  await rm(out, { recursive: true });
});

test.serial('render refuses to re-hash a tampered report in place; --out renders it with a warning', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'pa-demo-'));
  t.is(await main(['demo', '--out', out, '--format', 'json,md'], bufferIo()), 0);
  const dir = join(out, 'pve1', 'latest');
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
  report.summary.high = 0;
  await writeFile(join(dir, 'report.json'), JSON.stringify(report));
  const io = bufferIo();
  t.is(await main(['render', dir, '--format', 'md'], io), 2);
  t.regex(
    io.stderr.join('\n'),
    /does not match its manifest \(changed report\.json\); refusing to re-render it in place/,
  );
  t.is(await main(['verify', dir], bufferIo()), 1, 'still caught by verify');
  const warned = bufferIo();
  t.is(await main(['render', dir, '--format', 'md', '--out', join(out, 'inspect')], warned), 0);
  t.regex(warned.stderr.join('\n'), /warning: .* does not match its manifest/);
  t.false(
    warned.stdout.some((l) => l.endsWith('manifest.json')),
    'lists only the files it wrote',
  );
  t.true(warned.stdout.some((l) => l.endsWith('report.md')));
  await rm(out, { recursive: true });
});

test.serial(
  'the report names the intent its verdicts rest on, and whether the evidence digest covers it',
  async (t) => {
    const out = await mkdtemp(join(tmpdir(), 'pa-demo-'));
    t.is(await main(['demo', '--out', out, '--format', 'json'], bufferIo()), 0);
    const dir = join(out, 'pve1', 'latest');
    const inBundle = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    t.like(inBundle.intentFile, { path: 'evidence/intent/phoenix', inEvidence: true });

    const intent = new URL('../lab/scenarios/common/intent.yml', import.meta.url).pathname;
    const io = bufferIo();
    t.is(await main(['render', dir, '--intent', intent, '--out', join(out, 'native'), '--format', 'json,html'], io), 0);
    const given = JSON.parse(await readFile(join(out, 'native', 'report.json'), 'utf8'));
    t.like(given.intentFile, { path: intent, inEvidence: false });
    t.regex(given.intentFile.sha256, /^[0-9a-f]{64}$/);
    t.regex(
      await readFile(join(out, 'native', 'report.html'), 'utf8'),
      /given at render time, not in the evidence digest/,
    );
    await rm(out, { recursive: true });
  },
);

test.serial('a Phoenix --intent is recorded by the three files the importer reads, nothing else there', async (t) => {
  const { cp } = await import('node:fs/promises');
  const out = await mkdtemp(join(tmpdir(), 'pa-demo-'));
  t.is(await main(['demo', '--out', out, '--format', 'json'], bufferIo()), 0);
  const dir = join(out, 'pve1', 'latest');
  const phoenix = join(out, 'phoenix');
  await cp(new URL('../lab/scenarios/common/phoenix', import.meta.url).pathname, phoenix, { recursive: true });
  const digest = async (name: string) => {
    t.is(await main(['render', dir, '--intent', phoenix, '--out', join(out, name), '--format', 'json'], bufferIo()), 0);
    return JSON.parse(await readFile(join(out, name, 'report.json'), 'utf8')).intentFile.sha256 as string;
  };
  const before = await digest('a');
  await writeFile(join(phoenix, 'notes.json'), '{"unrelated": true}');
  t.is(await digest('b'), before);
  await rm(out, { recursive: true });
});
