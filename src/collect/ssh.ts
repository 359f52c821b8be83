import { readFile } from 'node:fs/promises';
import { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { ConnectionError } from '../lib/errors.js';
import type { Target } from '../plan/targets.js';
import { type HostKeyPolicy, hostKeyCheck } from './host-key.js';
import { readKnownHosts } from './known-hosts.js';

// The only node-ssh adapter: connect with OpenSSH-like host key checks, run commands with a local
// safety timer (the node enforces the real bound with timeout(1)), fetch files over SFTP.

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  // timeout(1) stopped the command on the node (124; 137 after --kill-after), or our safety timer fired
  timedOut: boolean;
  // the connection went away before the command finished
  lost: boolean;
}

export interface SshSession {
  readonly target: Target;
  readonly hostKeyFingerprint: string | null;
  exec(command: string, opts: { timeoutSec: number; signal?: AbortSignal }): Promise<ExecResult>;
  getFile(remote: string, local: string): Promise<void>;
  isConnected(): boolean;
  // Called once when the connection closes for any reason other than close().
  onLost(cb: () => void): void;
  close(): void;
}

export interface ConnectOptions extends HostKeyPolicy {
  readyTimeoutMs?: number;
}

const LOCAL_GRACE_SEC = 10;

export async function connect(target: Target, opts: ConnectOptions): Promise<SshSession> {
  const check = hostKeyCheck(target, opts);
  const auth = await authMethods(target);
  const ssh = new NodeSSH();
  const readyTimeout = opts.readyTimeoutMs ?? 15_000;
  try {
    await ssh.connect({
      host: target.address,
      port: target.port,
      username: target.user,
      readyTimeout,
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
      hostVerifier: check.verifier,
      algorithms: { serverHostKey: check.algorithms(await readKnownHosts(opts.knownHostsPath)) as never },
      authHandler: auth as never,
    });
  } catch (err) {
    ssh.dispose();
    throw check.refusal() ?? connectionError(target, err, readyTimeout);
  }
  const conn = ssh.connection as NonNullable<typeof ssh.connection>;
  let closedByUs = false;
  let lost = false;
  const lostHandlers: (() => void)[] = [];
  // After connect, node-ssh no longer listens for errors: without this an 'error' would crash the process.
  conn.on('error', () => undefined);
  conn.on('close', () => {
    lost = !closedByUs;
    if (lost) for (const cb of lostHandlers.splice(0)) cb();
  });

  return {
    target,
    hostKeyFingerprint: check.fingerprint(),
    isConnected: () => !lost && !closedByUs && ssh.isConnected(),
    onLost: (cb) => void lostHandlers.push(cb),
    close() {
      closedByUs = true;
      ssh.dispose();
    },
    getFile: (remote, local) => ssh.getFile(local, remote),
    exec(command, { timeoutSec, signal }) {
      return new Promise<ExecResult>((resolve) => {
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let code: number | null = null;
        let sig: string | null = null;
        let localTimeout = false;
        let channel: ClientChannel | null = null;
        const finish = (connectionLost: boolean) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve({
            code,
            signal: sig,
            stdout: Buffer.concat(out),
            stderr: Buffer.concat(err),
            timedOut: localTimeout || code === 124 || code === 137,
            lost: connectionLost,
          });
        };
        const onAbort = () => channel?.close();
        const timer = setTimeout(
          () => {
            localTimeout = true;
            channel?.close();
          },
          (timeoutSec + LOCAL_GRACE_SEC) * 1000,
        );
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          conn.exec(command, (e, stream) => {
            if (e) return finish(true);
            channel = stream;
            if (signal?.aborted) stream.close();
            stream.on('data', (d: Buffer) => out.push(d));
            stream.stderr.on('data', (d: Buffer) => err.push(d));
            stream.on('exit', (c: number | null, s?: string) => {
              code = c;
              sig = s ?? null;
            });
            stream.on('close', () => finish(code === null && sig === null && !localTimeout && !signal?.aborted));
          });
        } catch {
          finish(true);
        }
      });
    },
  };
}

// Agent keys first, then identity files, as OpenSSH tries them.
async function authMethods(target: Target): Promise<object[]> {
  const methods: object[] = [];
  if (target.agent) methods.push({ type: 'agent', username: target.user, agent: target.agent });
  for (const path of target.identityFiles) {
    methods.push({ type: 'publickey', username: target.user, key: await readFile(path) });
  }
  if (methods.length === 0) {
    throw new ConnectionError(
      'E_AUTH',
      `${target.name}: no SSH key to try: set ansible_ssh_private_key_file, an IdentityFile in ~/.ssh/config, or load a key into ssh-agent`,
    );
  }
  return methods;
}

function connectionError(target: Target, err: unknown, readyTimeoutMs: number): ConnectionError {
  const e = err as { message?: string; code?: string; level?: string };
  const at = `${target.user}@${target.address}:${target.port}`;
  const msg = e.message ?? String(err);
  if (e.level === 'client-authentication') {
    const keys = target.identityFiles.length > 0 ? target.identityFiles.join(', ') : 'none';
    return new ConnectionError(
      'E_AUTH',
      `${target.name}: authentication failed for ${at}: the server accepted none of the keys (agent: ${target.agent ? 'yes' : 'no'}, key files: ${keys})`,
      { cause: err },
    );
  }
  if (e.level === 'client-timeout') {
    return new ConnectionError(
      'E_CONNECTION',
      `${target.name}: no SSH answer from ${target.address}:${target.port} within ${readyTimeoutMs / 1000} s (host down, port filtered, or not an SSH server)`,
      { cause: err },
    );
  }
  if (e.code === 'ECONNREFUSED') {
    return new ConnectionError(
      'E_CONNECTION',
      `${target.name}: connection refused by ${target.address}:${target.port}`,
      {
        cause: err,
      },
    );
  }
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') {
    return new ConnectionError('E_CONNECTION', `${target.name}: cannot resolve host name ${target.address}`, {
      cause: err,
    });
  }
  return new ConnectionError('E_CONNECTION', `${target.name}: cannot connect to ${at}: ${msg}`, { cause: err });
}
