import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

// A Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands in on
// fd 3, replies out on fd 4, each message JSON ended by a NUL byte). Only what printing needs: no
// browser library to load (puppeteer-core costs ~0.5 s of CPU at every start), no port, no WebSocket.

export interface Cdp {
  send<T = Record<string, unknown>>(method: string, params?: object, sessionId?: string): Promise<T>;
  // Resolves with the event's params the first time it arrives for that session.
  once(method: string, sessionId: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  method: string;
}

// Chromium's own group (detached): a Ctrl-C at the terminal reaches pveaudit, which decides when the
// browser goes (after the node's cleanup), not the browser. If pveaudit exits without close(), the
// exit hook still kills the group and removes the profile.
export async function launchCdp(executablePath: string, args: readonly string[]): Promise<Cdp> {
  const profile = mkdtempSync(join(tmpdir(), 'pveaudit-chromium-'));
  const child = spawn(executablePath, [...args, '--remote-debugging-pipe', `--user-data-dir=${profile}`], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(profile, { recursive: true, force: true });
  };
  process.on('exit', killGroup);
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 50) stderr.push(d.toString());
  });
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  const pending = new Map<number, Pending>();
  const waiters = new Map<string, ((p: Record<string, unknown>) => void)[]>();
  let nextId = 1;
  let dead: Error | null = null;
  const fail = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  };
  input.on('error', (e) => fail(e));
  child.on('error', (e) => fail(e));
  child.on('exit', (code, signal) => {
    const why = stderr.join('').trim().split('\n').slice(-3).join(' ');
    fail(new Error(`Chromium exited (${signal ?? `code ${code}`})${why ? `: ${why}` : ''}`));
  });

  let buffered: Buffer = Buffer.alloc(0);
  output.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
      const text = buffered.subarray(0, end).toString('utf8');
      buffered = buffered.subarray(end + 1);
      dispatch(JSON.parse(text) as Message);
    }
  });

  interface Message {
    id?: number;
    method?: string;
    params?: Record<string, unknown>;
    sessionId?: string;
    result?: unknown;
    error?: { message: string };
  }
  function dispatch(m: Message) {
    if (m.id !== undefined) {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`));
      else p.resolve(m.result);
      return;
    }
    if (!m.method) return;
    const key = `${m.sessionId ?? ''} ${m.method}`;
    const list = waiters.get(key);
    if (!list) return;
    waiters.delete(key);
    for (const w of list) w(m.params ?? {});
  }

  const cdp: Cdp = {
    send<T>(method: string, params: object = {}, sessionId?: string) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
        input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
      });
    },
    once(method, sessionId) {
      return new Promise((resolve) => {
        const key = `${sessionId} ${method}`;
        waiters.set(key, [...(waiters.get(key) ?? []), resolve]);
      });
    },
    async close() {
      const exited = new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) r();
        else child.once('exit', () => r());
      });
      await cdp.send('Browser.close').catch(() => undefined);
      const timer = setTimeout(killGroup, 5_000);
      await exited;
      clearTimeout(timer);
      killGroup(); // renderer processes left in the group, and the profile
      process.off('exit', killGroup);
    },
  };
  // Ready once the browser answers: a missing library or a crash at start fails here, by name.
  try {
    await cdp.send('Browser.getVersion');
  } catch (err) {
    killGroup();
    process.off('exit', killGroup);
    throw err;
  }
  return cdp;
}
