import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { parseAge } from '../../src/fleet/order.js';
import { FleetIndexSchema } from '../../src/schema/fleet.js';
import type { Report } from '../../src/schema/report.js';

// The fleet overview over a reports directory built from the recorded seed report: the newest run of
// each host, worst first, with incomplete, unreadable and too-old runs standing out.

const seed = JSON.parse(
  readFileSync(new URL('../fixtures/report/seed/report.json', import.meta.url), 'utf8'),
) as Report;

function put(root: string, host: string, run: string, edit: (r: Report) => void = () => undefined): string {
  const dir = join(root, host, run);
  mkdirSync(dir, { recursive: true });
  const r = structuredClone(seed);
  r.host.name = host;
  r.startedAt = `${run.slice(0, 4)}-${run.slice(4, 6)}-${run.slice(6, 8)}T${run.slice(9, 11)}:${run.slice(11, 13)}:${run.slice(13, 15)}Z`;
  edit(r);
  writeFileSync(join(dir, 'report.json'), JSON.stringify(r));
  writeFileSync(join(dir, 'report.html'), '<html></html>');
  return dir;
}

const NOW = new Date('2026-12-03T12:00:00Z');
const clean = (r: Report) => {
  r.findings = [];
  r.summary = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  r.rootCause = null;
};

test('index lists the newest run per host, worst first; incomplete, unreadable and stale runs stand out', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pa-index-'));
  const ok = put(root, 'pve-ok', '20261203T100000Z', clean);
  mkdirSync(join(ok, 'signatures'));
  writeFileSync(join(ok, 'signatures', '20261203T100500Z-reviewed-alice.sig'), 'x');
  put(root, 'pve-bad', '20261120T100000Z', clean); // older run: a clean one...
  put(root, 'pve-bad', '20261203T090000Z'); // ...the newest has the seed's findings
  symlinkSync('20261203T090000Z', join(root, 'pve-bad', 'latest'));
  put(root, 'pve-old', '20261101T100000Z', clean);
  put(root, 'pve-half', '20261203T110000Z', (r) => {
    clean(r);
    r.status = 'incomplete';
    r.incompleteSteps = [{ step: 'capture-vmbr0', reason: 'timed out' }];
  });
  mkdirSync(join(root, 'pve-broken', '20261203T080000Z'), { recursive: true });
  writeFileSync(join(root, 'pve-broken', '20261203T080000Z', 'report.json'), '{not json');
  mkdirSync(join(root, 'pve-ok', '.tmp-20261203T113000Z-77'), { recursive: true }); // a run being written

  const { indexCommand } = await import('../../src/cli/commands/index-cmd.js');
  const io = bufferIo();
  t.is(await indexCommand({ dir: root }, io, NOW), 0);
  const index = FleetIndexSchema.parse(JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')));
  t.deepEqual(
    index.hosts.map((h) => h.host),
    ['pve-broken', 'pve-bad', 'pve-half', 'pve-old', 'pve-ok'],
  );
  const by = Object.fromEntries(index.hosts.map((h) => [h.host, h]));
  t.is(by['pve-bad']?.run, '20261203T090000Z');
  t.is(by['pve-bad']?.runs, 2);
  t.is(by['pve-bad']?.signatures, 0);
  t.is(by['pve-bad']?.worst, 'high'); // the seed's worst finding
  t.is(by['pve-bad']?.rootCause, seed.rootCause?.summary ?? null);
  t.is(by['pve-bad']?.answers.length, 3);
  t.deepEqual(
    by['pve-bad']?.links.map((l) => l.href),
    ['pve-bad/20261203T090000Z/report.html', 'pve-bad/20261203T090000Z/report.json'],
  );
  t.false(by['pve-bad']?.attention);
  t.true(by['pve-half']?.attention);
  t.regex(by['pve-half']?.problem ?? '', /capture-vmbr0: timed out/);
  t.true(by['pve-old']?.stale, 'a month old with the default 7 d');
  t.is(by['pve-broken']?.status, 'unreadable');
  t.is(by['pve-ok']?.run, '20261203T100000Z', 'the .tmp- directory is never listed');
  t.false(by['pve-ok']?.attention);
  t.is(by['pve-ok']?.signatures, 1);
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  t.regex(html, /5 hosts/);
  t.regex(html, /3 need attention/);
  t.regex(html, /1 runs, 1 sign-off/);
  t.regex(html, /<tr class="attention">\s*<td><b>pve-half/);
  t.regex(io.stdout.join('\n'), /pve-old .*<- too old/);

  // --max-age: a 35-day limit makes pve-old current
  t.is(await indexCommand({ dir: root, maxAge: '35d' }, bufferIo(), NOW), 0);
  const wider = FleetIndexSchema.parse(JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')));
  t.false(wider.hosts.find((h) => h.host === 'pve-old')?.stale);
});

test('index through the command line; bad --max-age and a missing directory are usage errors', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pa-index-cli-'));
  cpSync(mkdtempSync(join(tmpdir(), 'pa-empty-')), root, { recursive: true });
  const io = bufferIo();
  t.is(await main(['index', root], io), 0);
  t.regex(io.stdout.join('\n'), /0 hosts/);
  t.is(await main(['index', root, '--max-age', 'soon'], bufferIo()), 2);
  t.is(await main(['index', join(root, 'nope')], bufferIo()), 2);
  t.is(parseAge('36h'), 36);
  t.is(parseAge('7d'), 168);
  t.is(parseAge('90m'), 1.5);
  t.is(parseAge('x'), null);
});
