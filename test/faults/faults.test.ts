import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { captureDir, finishedRuns, latest, leftovers, skipWhy, withLab } from '../e2e/helpers.js';
import type { Lab } from '../lab/lab.js';

// Issue 11's fault cases against the lab, each asserting the exit code, a valid report or a clear
// refusal, nothing left on the node (no capture directory, no tcpdump) and nothing half-written
// locally (no .tmp-* directory). Lab indexes 56..60. Run isolated:
//   /tmp/tools/isolated.sh env PVEAUDIT_REQUIRE_LAB=1 npx ava test/faults/faults.test.ts
// Signals (Ctrl-C, double Ctrl-C, SIGTERM, SIGHUP) and a dropped connection are in test/e2e/leftovers.test.ts.

const e2e = skipWhy ? test.skip : test.serial;

async function pveaudit(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}
const args = (l: Lab, out: string, extra: string[] = []) => [
  'run',
  '-i',
  l.inventory,
  '-a',
  l.audit,
  '--known-hosts',
  l.knownHosts,
  '--out',
  out,
  '--format',
  'json',
  ...extra,
];
const halfWritten = (out: string, host: string): string[] =>
  existsSync(join(out, host)) ? readdirSync(join(out, host)).filter((n) => n.startsWith('.tmp-')) : [];
const key = (dir: string, name: string) => {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-t', 'ed25519', '-q', '-N', '', '-C', name, '-f', file]);
  return file;
};

e2e('a changed host key is refused before anything runs', async (t) => {
  await withLab(t, 'seed', 56, async (l, out) => {
    const other = key(mkdtempSync(join(tmpdir(), 'pa-flt-')), 'other');
    const pub = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(l.knownHosts, `${l.host} ${pub}\n`);
    const r = await pveaudit(...args(l, out));
    t.is(r.code, 2, r.err);
    t.regex(`${r.out}\n${r.err}`, /E_HOST_KEY: .*REMOTE HOST IDENTIFICATION HAS CHANGED/);
    t.deepEqual(finishedRuns(out, 'pve'), []);
    t.deepEqual(halfWritten(out, 'pve'), []);
  });
});

e2e('a key the node does not accept is refused with E_AUTH', async (t) => {
  await withLab(t, 'seed', 57, async (l, out) => {
    const wrong = key(mkdtempSync(join(tmpdir(), 'pa-flt-')), 'wrong');
    writeFileSync(l.inventory, readFileSync(l.inventory, 'utf8').replace(l.privateKey, wrong));
    const r = await pveaudit(...args(l, out));
    t.is(r.code, 2, r.err);
    t.regex(`${r.out}\n${r.err}`, /E_AUTH|not accepted|authenticat/i);
    t.deepEqual(finishedRuns(out, 'pve'), []);
    t.deepEqual(halfWritten(out, 'pve'), []);
  });
});

e2e('an --out that cannot be created is refused before connecting', async (t) => {
  await withLab(t, 'seed', 58, async (l, out) => {
    const file = join(out, 'a-file');
    writeFileSync(file, 'not a directory\n');
    const r = await pveaudit(...args(l, join(file, 'reports')));
    t.is(r.code, 2);
    t.regex(r.err, /E_OUTPUT|not a directory|cannot/i);
    t.false(/\n\s+at /.test(r.err), 'no stack trace');
  });
});

e2e('a missing firewall file is a fact, not a failure: the report is complete', async (t) => {
  await withLab(t, 'seed', 59, async (l, out) => {
    await l.nodeExec('rm -f /etc/pve/firewall/103.fw');
    const r = await pveaudit(...args(l, out));
    t.true(r.code === 0 || r.code === 1, r.err);
    const { report, manifest } = latest(out, 'pve');
    t.not(report.status, 'incomplete');
    t.true(manifest.steps.some((s) => s.absent && /103\.fw/.test(s.command)));
    t.deepEqual(await leftovers(l, captureDir(manifest)), { tcpdump: '', files: '' });
    t.deepEqual(halfWritten(out, 'pve'), []);
  });
});

e2e('two runs against one node at once: both finish, neither leaves anything behind', async (t) => {
  await withLab(t, 'seed', 60, async (l, out) => {
    const outA = join(out, 'a');
    const outB = join(out, 'b');
    const [a, b] = await Promise.all([pveaudit(...args(l, outA)), pveaudit(...args(l, outB))]);
    for (const [r, o] of [
      [a, outA],
      [b, outB],
    ] as const) {
      t.true(r.code === 0 || r.code === 1, r.err);
      const { manifest } = latest(o, 'pve');
      t.truthy(captureDir(manifest));
      t.deepEqual(await leftovers(l, captureDir(manifest)), { tcpdump: '', files: '' });
      t.deepEqual(halfWritten(o, 'pve'), []);
    }
    t.not(captureDir(latest(outA, 'pve').manifest), captureDir(latest(outB, 'pve').manifest));
  });
});
