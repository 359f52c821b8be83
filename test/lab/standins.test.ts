import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { labAvailable } from './lab.js';

// The stand-ins (pct, qm, pve-firewall, pveversion) print, for every subcommand, error path and
// scenario, exactly the bytes and exit codes pinned in expected/standins/<scenario>.txt. Those files
// were written by the stand-ins before they were made cheaper (standins/regen-expected.sh), so a
// faster stand-in that prints one byte differently fails here. Each scenario runs in private
// namespaces made to look like the lab node (standins/transcript.sh): no sshd, no packets.
// Most scenarios differ only in files the stand-ins never read (guest .fw files, rulesets): a
// scenario whose node files match one already run is checked against that run's transcript.

const LAB = fileURLToPath(new URL('.', import.meta.url));
const avail = labAvailable();
const labTest = avail.ok ? test.serial : test.skip;
if (!avail.ok) console.log(`stand-in tests skipped: ${avail.why}`);

function sh(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const scenarios = readdirSync(join(LAB, 'scenarios'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'common')
  .map((d) => d.name)
  .sort();

const tmp = mkdtempSync('/tmp/pa-standins-');
test.after.always(() => rmSync(tmp, { recursive: true, force: true }));

// What the stand-ins read of a node: its guest configs, cluster.fw, corosync.conf, /etc/hostname
// and /etc/hosts, the pending flag and the guests that run (the stand-ins themselves are the same
// code for every scenario).
const READS =
  /^node\/(etc\/pve\/nodes\/.*|etc\/pve\/firewall\/cluster\.fw|etc\/pve\/corosync\.conf|etc\/hostname|etc\/hosts|pending|guests)$/;

function nodeDigest(state: string): string {
  const h = createHash('sha256');
  const files = readdirSync(join(state, 'node'), { recursive: true, withFileTypes: true })
    .map((d) => join(d.parentPath, d.name).slice(state.length + 1))
    .filter((f) => READS.test(f))
    .sort();
  for (const f of files) {
    const p = join(state, f);
    const st = lstatSync(p);
    h.update(`${f}\0`)
      .update(st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : st.isFile() ? readFileSync(p) : 'dir')
      .update('\0');
  }
  return h.digest('hex');
}

const transcripts = new Map<string, string>();

test('every scenario has a pinned transcript', (t) => {
  const pinned = readdirSync(join(LAB, 'expected/standins')).map((f) => f.replace(/\.txt$/, ''));
  t.deepEqual(pinned.sort(), scenarios);
});

for (const scenario of scenarios) {
  labTest(`${scenario}: the stand-ins print the pinned transcript`, async (t) => {
    const state = join(tmp, scenario);
    const tree = await sh('/bin/bash', [join(LAB, 'lab.sh'), 'tree', scenario, '--state', state]);
    t.is(tree.code, 0, tree.stderr);
    const want = readFileSync(join(LAB, 'expected/standins', `${scenario}.txt`), 'utf8');
    const key = `${nodeDigest(state)} ${scenario === 'quirks'}`;
    const seen = transcripts.get(key);
    if (seen !== undefined) {
      t.is(want, seen, 'pinned differently from a scenario with the same node files');
      return;
    }
    const args = [join(LAB, 'standins/transcript.sh'), 'harness', state];
    // quirks also waits out a guest command's timeout (1 s): once is enough.
    if (scenario === 'quirks') args.push('--slow');
    const run = await sh('/bin/bash', args);
    t.is(run.stderr, '');
    t.is(run.code, 0);
    if (run.stdout !== want) {
      // ava's diff of two long strings is hard to read: show diff -u of the files instead.
      writeFileSync(join(tmp, `${scenario}.actual.txt`), run.stdout);
      const d = await sh('/usr/bin/diff', [
        '-u',
        join(LAB, 'expected/standins', `${scenario}.txt`),
        join(tmp, `${scenario}.actual.txt`),
      ]);
      t.fail(`${scenario}: the transcript differs from expected/standins/${scenario}.txt:\n${d.stdout}`);
    }
    transcripts.set(key, run.stdout);
  });
}
