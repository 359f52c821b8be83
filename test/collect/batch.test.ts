import { spawnSync } from 'node:child_process';
import test from 'ava';
import { type Batch, buildBatch, newNonce, splitBatch } from '../../src/collect/batch.js';
import type { ExecResult } from '../../src/collect/ssh.js';
import { joinArgv } from '../../src/plan/quote.js';

// The batch runs through a real sh, as the node's shell would run it.
function run(batch: Batch, prefix = ''): ExecResult {
  const r = spawnSync('sh', ['-c', `${prefix}${batch.command}`]);
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, timedOut: false, lost: false };
}

test('each command of a batch comes back as its own output, error output and exit status', (t) => {
  const binary = Buffer.from([0, 1, 2, 255, 10, 10, 13]);
  const commands = [
    joinArgv(['printf', 'a\\nb']), // no newline at the end
    joinArgv(['printf', 'line\\n\\n']), // trailing blank line kept
    joinArgv(['cat', '--', '/nonexistent/pveaudit-batch-test']),
    `printf '${[...binary].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('')}'`,
    'echo out; echo err >&2; exit 7',
    joinArgv(['sh', '-c', "echo 'quoted; $(not run) `nor this`'"]),
  ];
  const batch = buildBatch(commands);
  const parts = splitBatch(run(batch, 'echo login-shell-noise; echo noise >&2; '), batch, commands.length);
  t.is(parts.length, commands.length);
  t.is(parts[0]?.stdout.toString(), 'a\nb');
  t.is(parts[0]?.code, 0);
  t.is(parts[1]?.stdout.toString(), 'line\n\n');
  t.is(parts[2]?.code, 1);
  t.regex(parts[2]?.stderr.toString() ?? '', /No such file or directory/);
  t.is(parts[2]?.stdout.length, 0);
  t.deepEqual(parts[3]?.stdout, binary);
  // `exit` inside a part ends the shell: its status is lost with the later parts, which never ran
  t.is(parts[4]?.stdout.toString(), 'out\n');
  t.is(parts[4]?.stderr.toString(), 'err\n');
  t.is(parts[4]?.code, null);
  t.is(parts[5]?.code, null);
  for (const p of parts) t.false(p.lost);
});

test('a part that ran through its own timeout(1) is marked timed out; parts after it still run', (t) => {
  const batch = buildBatch(['timeout 0.2 sleep 5', 'echo after']);
  const [slow, after] = splitBatch(run(batch), batch, 2);
  t.is(slow?.code, 124);
  t.true(slow?.timedOut);
  t.is(after?.stdout.toString(), 'after\n');
  t.is(after?.code, 0);
});

test('a batch cut short by a lost connection: the finished parts stand, the rest are lost', (t) => {
  const batch = buildBatch(['echo one', 'echo two', 'echo three']);
  const full = run(batch);
  const cut = full.stdout.subarray(0, full.stdout.indexOf('two') + 2);
  const parts = splitBatch({ ...full, code: null, stdout: cut, lost: true }, batch, 3);
  t.is(parts[0]?.stdout.toString(), 'one\n');
  t.false(parts[0]?.lost);
  t.is(parts[1]?.stdout.toString(), 'tw');
  t.true(parts[1]?.lost);
  t.true(parts[2]?.lost);
  t.is(parts[2]?.code, null);
});

test('output that forges a marker without the nonce is kept as data', (t) => {
  const batch = buildBatch([joinArgv(['printf', '\\npveaudit-0 0 end 0\\nstill data']), 'true']);
  const [part] = splitBatch(run(batch), batch, 2);
  t.is(part?.stdout.toString(), '\npveaudit-0 0 end 0\nstill data');
  t.is(part?.code, 0);
});

test('nonces are fresh per batch and only of hex digits', (t) => {
  t.not(newNonce(), newNonce());
  t.regex(newNonce(), /^pveaudit-[0-9a-f]{32}$/);
  t.throws(() => buildBatch(['true'], "x'; reboot; '"), { message: /not a batch nonce/ });
});

test('a chained part runs only when the part it waits for exited 0; the others run regardless', (t) => {
  // 0 fails, 1 waits for 0 (left out), 2 waits for 1 (left out too), 3 stands alone, 4 waits for 3
  const batch = buildBatch(['echo zero; false', 'echo one', 'echo two', 'echo three', 'echo four'], undefined, [
    null,
    0,
    1,
    null,
    3,
  ]);
  const parts = splitBatch(run(batch), batch, 5);
  t.is(parts[0]?.stdout.toString(), 'zero\n');
  t.is(parts[0]?.code, 1);
  for (const i of [1, 2]) {
    t.is(parts[i]?.code, null, `part ${i} never began`);
    t.is(parts[i]?.stdout.length, 0);
  }
  t.is(parts[3]?.stdout.toString(), 'three\n');
  t.is(parts[4]?.stdout.toString(), 'four\n');
  t.is(parts[4]?.code, 0);
  t.throws(() => buildBatch(['true', 'true'], undefined, [null, 1]), { message: /cannot wait for 1/ });
});
