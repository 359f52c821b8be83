import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A real OpenSSH sshd on 127.0.0.1 for one test file (ENVIRONMENT.md §4).
export interface TestSshd {
  dir: string;
  port: number;
  clientKey: string; // accepted by the server
  wrongKey: string; // not in authorized_keys
  hostKeyPub: string; // "ssh-ed25519 AAAA..."
  knownHosts: string; // a known_hosts file holding the right key for [127.0.0.1]:port
  pid: number; // the listening sshd: its children are the sessions
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const keygen = (path: string, type = 'ed25519') =>
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path], { stdio: 'ignore' });

export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'pveaudit-sshd-'));
  for (const k of ['host_ed25519', 'client_ed25519', 'wrong_ed25519']) keygen(join(dir, k));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')));
  const port = await freePort();
  const cfg = join(dir, 'sshd_config');
  writeFileSync(
    cfg,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_ed25519')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'Subsystem sftp internal-sftp',
      // ava runs a file's tests at once: past the default MaxStartups (10) sshd drops
      // new connections at random, which ssh2 reports as "Connection lost before handshake"
      'MaxStartups 100:30:200',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true });
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start: ${log}`)), 5000);
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (c) => reject(new Error(`sshd exited ${c}: ${log}`)));
  });
  const hostKeyPub = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKeyPub}\n`);
  return {
    dir,
    port,
    clientKey: join(dir, 'client_ed25519'),
    wrongKey: join(dir, 'wrong_ed25519'),
    hostKeyPub,
    knownHosts,
    pid: child.pid as number,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
