import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { connect } from '../../src/collect/ssh.js';
import { PveauditError } from '../../src/lib/errors.js';
import type { Target } from '../../src/plan/targets.js';
import { freePort, startSshd, type TestSshd } from './helpers/sshd.js';

let sshd: TestSshd;
test.before(async () => {
  sshd = await startSshd();
});
test.after.always(() => sshd?.stop());

const target = (over: Partial<Target> = {}): Target => ({
  name: 'node1',
  address: '127.0.0.1',
  port: sshd.port,
  user: 'root',
  identityFiles: [sshd.clientKey],
  agent: null,
  ...over,
});

const scratch = () => mkdtempSync(join(tmpdir(), 'pveaudit-kh-'));
const sshFingerprint = () =>
  execFileSync('ssh-keygen', ['-lf', join(sshd.dir, 'host_ed25519.pub')], { encoding: 'utf8' }).split(
    /\s+/,
  )[1] as string;

async function refusal(p: Promise<unknown>): Promise<PveauditError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof PveauditError)) throw new Error(`expected a PveauditError, got ${String(err)}`);
  return err;
}

test('connects with a known host key, runs a command and reports exit code and both streams', async (t) => {
  const s = await connect(target(), { knownHostsPath: sshd.knownHosts, acceptNew: false });
  t.teardown(() => s.close());
  t.is(s.hostKeyFingerprint, sshFingerprint());
  const r = await s.exec('echo out; echo err >&2; exit 3', { timeoutSec: 5 });
  t.is(r.code, 3);
  t.is(r.stdout.toString(), 'out\n');
  t.is(r.stderr.toString(), 'err\n');
  t.false(r.timedOut);
  t.false(r.lost);
});

test('a hashed known_hosts entry (ssh-keygen -H) is accepted', async (t) => {
  const kh = join(scratch(), 'known_hosts');
  writeFileSync(kh, readFileSync(sshd.knownHosts));
  execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
  t.true(readFileSync(kh, 'utf8').startsWith('|1|'));
  const s = await connect(target(), { knownHostsPath: kh, acceptNew: false });
  s.close();
  t.is(s.hostKeyFingerprint, sshFingerprint());
});

test('an unknown host key is refused with its fingerprint and how to accept it', async (t) => {
  const kh = join(scratch(), 'known_hosts');
  const err = await refusal(connect(target(), { knownHostsPath: kh, acceptNew: false }));
  t.is(err.code, 'E_HOST_KEY');
  t.true(err.message.includes(sshFingerprint() as string));
  t.true(err.message.includes('--accept-new-host-keys'));
});

test('--accept-new-host-keys records the key, and the next connection knows it', async (t) => {
  const kh = join(scratch(), 'known_hosts');
  const s = await connect(target(), { knownHostsPath: kh, acceptNew: true });
  s.close();
  t.is(readFileSync(kh, 'utf8'), `[127.0.0.1]:${sshd.port} ${sshd.hostKeyPub}\n`);
  const again = await connect(target(), { knownHostsPath: kh, acceptNew: false });
  again.close();
  t.is(again.hostKeyFingerprint, sshFingerprint());
});

test('a changed host key is refused even with --accept-new-host-keys', async (t) => {
  const dir = scratch();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
  const other = readFileSync(join(dir, 'other.pub'), 'utf8').split(/\s+/).slice(0, 2).join(' ');
  const kh = join(dir, 'known_hosts');
  writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${other}\n`);
  const err = await refusal(connect(target(), { knownHostsPath: kh, acceptNew: true }));
  t.is(err.code, 'E_HOST_KEY');
  t.regex(err.message, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
  t.true(err.message.includes(`${kh}:1`));
  t.is(readFileSync(kh, 'utf8'), `[127.0.0.1]:${sshd.port} ${other}\n`);
});

test('a wrong key gives E_AUTH', async (t) => {
  const err = await refusal(
    connect(target({ identityFiles: [sshd.wrongKey] }), { knownHostsPath: sshd.knownHosts, acceptNew: false }),
  );
  t.is(err.code, 'E_AUTH');
  t.regex(err.message, /authentication failed for root@127\.0\.0\.1/);
});

test('a closed port gives E_CONNECTION naming the address', async (t) => {
  const port = await freePort();
  const err = await refusal(connect(target({ port }), { knownHostsPath: sshd.knownHosts, acceptNew: false }));
  t.is(err.code, 'E_CONNECTION');
  t.true(err.message.includes(`127.0.0.1:${port}`));
});

test('a port that never sends an SSH banner times out with E_CONNECTION', async (t) => {
  const silent: Server = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.teardown(() => silent.close());
  const port = (silent.address() as { port: number }).port;
  const started = Date.now();
  const err = await refusal(
    connect(target({ port }), { knownHostsPath: sshd.knownHosts, acceptNew: false, readyTimeoutMs: 1000 }),
  );
  t.is(err.code, 'E_CONNECTION');
  t.regex(err.message, /no SSH answer from 127\.0\.0\.1:\d+ within 1 s/);
  t.true(Date.now() - started < 5000);
});

test('a command stopped by timeout(1) on the node is marked timed out', async (t) => {
  const s = await connect(target(), { knownHostsPath: sshd.knownHosts, acceptNew: false });
  t.teardown(() => s.close());
  const r = await s.exec('timeout --kill-after=5 1 sleep 30', { timeoutSec: 1 });
  t.is(r.code, 124);
  t.true(r.timedOut);
});

test('SFTP downloads a remote file byte for byte', async (t) => {
  const s = await connect(target(), { knownHostsPath: sshd.knownHosts, acceptNew: false });
  t.teardown(() => s.close());
  const dir = scratch();
  const data = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
  writeFileSync(join(dir, 'remote.bin'), data);
  await s.getFile(join(dir, 'remote.bin'), join(dir, 'local.bin'));
  t.deepEqual(readFileSync(join(dir, 'local.bin')), data);
});

test('losing the connection ends a running command as lost and calls onLost', async (t) => {
  // Its own sshd, so the only session to kill is this test's.
  const own = await startSshd();
  t.teardown(() => own.stop());
  const s = await connect(target({ port: own.port, identityFiles: [own.clientKey] }), {
    knownHostsPath: own.knownHosts,
    acceptNew: false,
  });
  let called = false;
  s.onLost(() => {
    called = true;
  });
  const running = s.exec('timeout 20 sleep 10', { timeoutSec: 20 });
  await new Promise((r) => setTimeout(r, 300));
  const pid = execFileSync('pgrep', ['-P', String(own.pid)], { encoding: 'utf8' }).trim();
  t.regex(pid, /^\d+$/);
  process.kill(Number(pid), 'SIGKILL');
  const r = await running;
  t.true(r.lost);
  t.true(called);
  t.false(s.isConnected());
});

test('a key held only by a real ssh-agent is used when no key file is given', async (t) => {
  const dir = scratch();
  const sock = join(dir, 'agent.sock');
  const out = execFileSync('ssh-agent', ['-a', sock, '-s'], { encoding: 'utf8' });
  const pid = /SSH_AGENT_PID=(\d+)/.exec(out)?.[1];
  t.teardown(() => {
    if (pid) process.kill(Number(pid));
  });
  execFileSync('ssh-add', ['-q', sshd.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'pipe' });
  const s = await connect(target({ identityFiles: [], agent: sock }), {
    knownHostsPath: sshd.knownHosts,
    acceptNew: false,
  });
  t.teardown(() => s.close());
  t.is((await s.exec('echo via-agent', { timeoutSec: 5 })).stdout.toString(), 'via-agent\n');
});

test('a host known only by another key type is refused even with --accept-new-host-keys (as OpenSSH does)', async (t) => {
  const dir = scratch();
  execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', join(dir, 'other')]);
  const other = readFileSync(join(dir, 'other.pub'), 'utf8').split(/\s+/).slice(0, 2).join(' ');
  const kh = join(dir, 'known_hosts');
  writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${other}\n`);
  const err = await refusal(connect(target(), { knownHostsPath: kh, acceptNew: true }));
  t.is(err.code, 'E_HOST_KEY');
  t.regex(err.message, /REMOTE HOST IDENTIFICATION HAS CHANGED .* knows it only by ecdsa-sha2-nistp256/);
  t.is(readFileSync(kh, 'utf8'), `[127.0.0.1]:${sshd.port} ${other}\n`, 'nothing was appended');
});

test('a passphrase-protected or unreadable key is named as such, not as "accepted none of the keys"', async (t) => {
  const dir = scratch();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', join(dir, 'locked')]);
  const locked = await refusal(
    connect(target({ identityFiles: [join(dir, 'locked')] }), { knownHostsPath: sshd.knownHosts, acceptNew: false }),
  );
  t.is(locked.code, 'E_AUTH');
  t.regex(locked.message, /locked: is protected by a passphrase.*ssh-agent/);
  // a directory stands in for an unreadable file: root reads any file
  const unreadable = await refusal(
    connect(target({ identityFiles: [dir] }), { knownHostsPath: sshd.knownHosts, acceptNew: false }),
  );
  t.regex(unreadable.message, /cannot be read \(EISDIR\)/);
  const pub = await refusal(
    connect(target({ identityFiles: [join(dir, 'locked.pub'), sshd.wrongKey] }), {
      knownHostsPath: sshd.knownHosts,
      acceptNew: false,
    }),
  );
  t.regex(pub.message, /accepted none of the keys .*not tried: .*locked\.pub: is a public key/);
});

test('known hosts are also read from the global files (/etc/ssh/ssh_known_hosts, GlobalKnownHostsFile)', async (t) => {
  const dir = scratch();
  const user = join(dir, 'known_hosts');
  const global = join(dir, 'ssh_known_hosts');
  writeFileSync(global, readFileSync(sshd.knownHosts));
  const s = await connect(target(), { knownHostsPath: user, otherKnownHosts: [global], acceptNew: false });
  s.close();
  t.false(existsSync(user), 'a key known globally is not recorded again');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
  const other = readFileSync(join(dir, 'other.pub'), 'utf8').split(/\s+/).slice(0, 2).join(' ');
  writeFileSync(global, `[127.0.0.1]:${sshd.port} ${other}\n`);
  const err = await refusal(connect(target(), { knownHostsPath: user, otherKnownHosts: [global], acceptNew: true }));
  t.regex(err.message, /HAS CHANGED/);
  t.true(err.message.includes(`${global}:1`));
});
