import { readFile } from 'node:fs/promises';
import { NodeSSH } from 'node-ssh';
import ssh2, { type ClientChannel } from 'ssh2';
import { ConnectionError } from '../lib/errors.js';
import type { Target } from '../plan/targets.js';
import { type HostKeyPolicy, hostKeyCheck } from './host-key.js';

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
  const { methods: auth, skipped } = await authMethods(target);
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
      algorithms: { serverHostKey: (await check.algorithms()) as never },
      authHandler: auth as never,
    });
  } catch (err) {
    ssh.dispose();
    throw check.refusal() ?? connectionError(target, err, readyTimeout, skipped);
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

// Agent keys first, then identity files, as OpenSSH tries them. A key file that cannot be used
// without a prompt (unreadable, passphrase-protected, not a private key) is skipped and named.
async function authMethods(target: Target): Promise<{ methods: object[]; skipped: string[] }> {
  const methods: object[] = [];
  const skipped: string[] = [];
  if (target.agent) methods.push({ type: 'agent', username: target.user, agent: target.agent });
  for (const path of target.identityFiles) {
    const why = await keyProblem(path);
    if (why) skipped.push(`${path}: ${why}`);
    else methods.push({ type: 'publickey', username: target.user, key: await readFile(path) });
  }
  if (methods.length === 0) {
    const detail = skipped.length > 0 ? ` (${skipped.join('; ')})` : '';
    throw new ConnectionError(
      'E_AUTH',
      `${target.name}: no usable SSH key${detail}: set ansible_ssh_private_key_file, an IdentityFile in ~/.ssh/config, or load a key into ssh-agent`,
    );
  }
  return { methods, skipped };
}

async function keyProblem(path: string): Promise<string | null> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${e.code ?? e.message})`;
  }
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) {
    return /passphrase/i.test(parsed.message)
      ? 'is protected by a passphrase, which pveaudit cannot ask for: load it into ssh-agent (ssh-add) instead'
      : `is not a private key pveaudit can read (${parsed.message})`;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return key?.isPrivateKey() ? null : 'is a public key, not a private key';
}

function connectionError(
  target: Target,
  err: unknown,
  readyTimeoutMs: number,
  skipped: string[] = [],
): ConnectionError {
  const e = err as { message?: string; code?: string; level?: string };
  const at = `${target.user}@${target.address}:${target.port}`;
  const msg = e.message ?? String(err);
  if (e.level === 'client-authentication') {
    const used = target.identityFiles.filter((f) => !skipped.some((s) => s.startsWith(`${f}: `)));
    const keys = used.length > 0 ? used.join(', ') : 'none';
    const unusable = skipped.length > 0 ? `; not tried: ${skipped.join('; ')}` : '';
    return new ConnectionError(
      'E_AUTH',
      `${target.name}: authentication failed for ${at}: the server accepted none of the keys (agent: ${target.agent ? 'yes' : 'no'}, key files: ${keys})${unusable}`,
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
