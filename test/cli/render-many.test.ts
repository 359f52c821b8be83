import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

// `render DIR...`: one browser prints several reports; each directory ends up as `render DIR` leaves it.
test.serial('render with several directories renders each one, PDFs from one browser', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'pa-render-many-'));
  t.teardown(() => rm(out, { recursive: true, force: true }));
  t.is(await main(['demo', '--out', out, '--format', 'json'], bufferIo()), 0);
  const dirs = ['a', 'b', 'c'].map((n) => join(out, n));
  for (const d of dirs) await cp(join(out, 'pve1', 'latest'), d, { recursive: true, dereference: true });

  const io = bufferIo();
  t.is(await main(['render', ...dirs, '--format', 'pdf,md'], io), 0, io.stderr.join('\n'));
  for (const d of dirs) {
    t.true((await readdir(d)).includes('report.pdf'), d);
    const text = execFileSync('pdftotext', [join(d, 'report.pdf'), '-'], { encoding: 'utf8' });
    t.regex(text, /pve1/);
    const ok = bufferIo();
    t.is(await main(['verify', d], ok), 0, `${d} still verifies: ${ok.stdout.join('\n')}`);
  }
  t.is(io.stdout.filter((l) => l.startsWith('report directory: ')).length, 3);
});

test.serial('render with several directories names the one that fails and renders the others', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'pa-render-many-'));
  t.teardown(() => rm(out, { recursive: true, force: true }));
  t.is(await main(['demo', '--out', out, '--format', 'json'], bufferIo()), 0);
  const good = join(out, 'good');
  await cp(join(out, 'pve1', 'latest'), good, { recursive: true, dereference: true });
  const missing = join(out, 'missing');
  const io = bufferIo();
  t.is(await main(['render', missing, good, '--format', 'md', '--out', join(out, 'o')], io), 2);
  t.true(
    io.stderr.some((l) => l.includes(missing)),
    io.stderr.join('\n'),
  );
  t.deepEqual(await readdir(join(out, 'o', 'good')), ['report.md']);
});

test('render --out with two directories of the same name is refused before anything is written', async (t) => {
  const io = bufferIo();
  t.is(await main(['render', '/x/r', '/y/r', '--format', 'json', '--out', '/nonexistent-out'], io), 2);
  t.regex(io.stderr.join('\n'), /both would be written to/);
});
