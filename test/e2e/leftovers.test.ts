import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runCommand } from '../../src/cli/commands/run.js';
import { buildBatch } from '../../src/collect/batch.js';
import { drawTmpDir } from '../../src/collect/capture.js';
import { captureSteps, cleanupCommand, fillTokens } from '../../src/plan/catalogue.js';
import type { Lab } from '../lab/lab.js';
import {
  finishedRuns,
  latest,
  leftovers,
  type NodeCapture,
  runningCapture,
  runOpts,
  skipWhy,
  watchIo,
  withLab,
} from './helpers.js';

// Nothing left behind: however a run ends while tcpdump is capturing on the node, no tcpdump process
// and no /tmp/pveaudit.* directory of that run remain there afterwards.

const e2e = skipWhy ? test.skip : test.serial;
const CAPTURING = /^\[pve\] capture-listening: ok$/;
const BIN = fileURLToPath(new URL('../../bin/pveaudit.js', import.meta.url));

// Once the run says the capture listens: note which capture it is on the node, then interrupt.
function onCapture(l: Lab, interrupt: () => Promise<void> | void) {
  const seen: { capture: NodeCapture | null; done: Promise<void> | null } = { capture: null, done: null };
  const fire = () => {
    seen.done = runningCapture(l).then(async (c) => {
      seen.capture = c;
      await interrupt();
    });
  };
  return { seen, fire };
}

e2e('Ctrl-C (abort) during the capture: capture stopped, files removed, no finished report', async (t) => {
  await withLab(t, 'seed', 26, async (l, out) => {
    const ctl = new AbortController();
    const { seen, fire } = onCapture(l, () => ctl.abort());
    const io = watchIo(CAPTURING, fire);
    const code = await runCommand(runOpts(l, out), io, ctl.signal);
    await seen.done;
    t.is(code, 2);
    t.truthy(seen.capture, 'tcpdump was running on the node when the run was interrupted');
    t.deepEqual(await leftovers(l, seen.capture?.dir ?? null), { tcpdump: '', files: '' });
    t.deepEqual(finishedRuns(out, 'pve'), []);
    t.true(io.stdout.some((s) => s.startsWith('pve: interrupted')));
  });
});

const SIGNALLINGS: [string, NodeJS.Signals[], number][] = [
  ['SIGTERM', ['SIGTERM'], 27],
  ['a double Ctrl-C', ['SIGINT', 'SIGINT'], 16],
  ['SIGHUP (the terminal closed)', ['SIGHUP'], 15],
];

for (const [what, signals, index] of SIGNALLINGS)
  e2e(`${what} to a running \`pveaudit run\`: it cleans the node up before it exits`, async (t) => {
    await withLab(t, 'seed', index, async (l, out) => {
      const args = ['-i', l.inventory, '-a', l.audit, '--known-hosts', l.knownHosts, '--out', out, '--format', 'json'];
      const child = spawn(process.execPath, [BIN, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      const { seen, fire } = onCapture(l, () => {
        for (const s of signals) child.kill(s);
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!seen.done && stderr.split('\n').some((line) => CAPTURING.test(line))) fire();
      });
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      await seen.done;
      t.truthy(seen.capture, stderr);
      t.is(code, 2, stderr);
      t.deepEqual(await leftovers(l, seen.capture?.dir ?? null), { tcpdump: '', files: '' });
      t.deepEqual(finishedRuns(out, 'pve'), []);
    });
  });

e2e('a dropped connection during the capture: cleaned up over a new connection, incomplete report kept', async (t) => {
  await withLab(t, 'seed', 28, async (l, out) => {
    let killed = '';
    // The lab's sshd serves only this run: its children are this run's session processes.
    const { seen, fire } = onCapture(l, async () => {
      killed = (await l.nodeExec(`pkill -KILL -P ${l.sshdPid}; echo done`)).stdout;
    });
    const io = watchIo(CAPTURING, fire);
    const code = await runCommand(runOpts(l, out), io);
    await seen.done;
    t.is(killed.trim(), 'done');
    t.is(code, 2);
    t.truthy(seen.capture);
    t.deepEqual(await leftovers(l, seen.capture?.dir ?? null), { tcpdump: '', files: '' });
    const { report, manifest } = latest(out, 'pve');
    t.is(report.status, 'incomplete');
    t.true(manifest.steps.some((s) => /connection was lost/.test(s.error ?? '')));
    t.is(manifest.steps.find((s) => s.id === 'cleanup')?.exitCode, 0);
    t.true(io.stdout.some((s) => /^pve: incomplete \(E_CONNECTION: the connection was lost/.test(s)));
  });
});

// The start is one chained round trip: cut short after tcpdump started, the run never heard its PID.
// The cleanup it then runs finds the PID in the directory, and removes only a directory that
// carries pveaudit's marker (the name was drawn before the node confirmed making it).
e2e(
  'a capture start cut short: the cleanup stops tcpdump by the PID it left, and spares unmarked directories',
  async (t) => {
    await withLab(t, 'seed', 37, async (l) => {
      const dir = drawTmpDir();
      const { start } = captureSteps({ bridge: 'vmbr0', seconds: 60, maxPackets: 100, hosts: ['10.0.0.12'] });
      const [mk, tcpdump] = start.map((s) => fillTokens(s.command, { dir })) as [string, string];
      const started = await l.nodeExec(buildBatch([mk, tcpdump], undefined, [null, 0]).command);
      t.is(started.code, 0, started.stderr);
      let capture = await runningCapture(l);
      for (let i = 0; i < 50 && !capture; i++) capture = await runningCapture(l);
      t.is(capture?.dir, dir, 'tcpdump runs in the drawn directory');
      const clean = await l.nodeExec(fillTokens(cleanupCommand(false), { dir }));
      t.is(clean.code, 0, clean.stderr);
      t.deepEqual(await leftovers(l, dir), { tcpdump: '', files: '' });

      const foreign = drawTmpDir();
      await l.nodeExec(`mkdir -m 700 ${foreign} && echo keep > ${foreign}/data`);
      t.is((await l.nodeExec(fillTokens(cleanupCommand(false), { dir: foreign }))).code, 0);
      t.is((await l.nodeExec(`cat ${foreign}/data; rm -rf -- ${foreign}`)).stdout, 'keep\n');
    });
  },
);

// What a killed run leaves (its directory, and a tcpdump still writing into it) is removed by the next
// run's sweep; a directory whose owning SSH session is alive (a concurrent run's) is left alone.
e2e("the next run sweeps killed runs' directories and their tcpdumps, and spares a live run's", async (t) => {
  await withLab(t, 'seed', 39, async (l, out) => {
    // one left by a run that kept tcpdump's PID in it (as runs do now), one without (an older run)
    const [dead, older, live] = [drawTmpDir(), drawTmpDir(), drawTmpDir()];
    const marker = (dir: string, who: string) =>
      `mkdir -m 700 ${dir} && printf 'pveaudit capture directory\\nsshd %s\\n' "${who}" > ${dir}/.pveaudit-capture`;
    const orphan = (dir: string) =>
      `nohup timeout 60 tcpdump -i vmbr0 -n -w ${dir}/capture.pcap host 10.0.0.12 > ${dir}/tcpdump.err 2>&1 < /dev/null &`;
    const setup = await l.nodeExec(
      [
        marker(dead, '999999 12345'),
        marker(older, '999998 12345'),
        `s=$(sed 's/.*) //' /proc/${l.sshdPid}/stat | cut -d' ' -f20)`,
        marker(live, `${l.sshdPid} $s`),
        orphan(dead),
        `echo $! > ${dead}/tcpdump.pid`,
        orphan(older),
        'sleep 0.3',
      ].join('\n'),
    );
    t.is(setup.code, 0, setup.stderr);
    // both orphans run (tcpdump takes a moment to start on a busy machine)
    const both = (ps: string) => ps.includes(`${dead}/capture.pcap`) && ps.includes(`${older}/capture.pcap`);
    let before = (await leftovers(l, null)).tcpdump;
    for (let i = 0; i < 50 && !both(before); i++) before = (await leftovers(l, null)).tcpdump;
    t.true(both(before), before);
    t.is(
      await runCommand(
        runOpts(l, out),
        watchIo(/$^/, () => undefined),
      ),
      0,
    );
    const { manifest, dir } = latest(out, 'pve');
    t.is(manifest.steps.find((s) => s.id === 'sweep')?.exitCode, 0);
    const swept = readFileSync(join(dir, 'evidence', 'commands', 'sweep.out'), 'utf8');
    for (const d of [dead, older]) {
      t.regex(swept, new RegExp(`removed ${d} `));
      t.deepEqual(await leftovers(l, d), { tcpdump: '', files: '' });
    }
    t.is((await l.nodeExec(`ls -d ${live}; rm -rf -- ${live}`)).stdout.trim(), live);
  });
});
