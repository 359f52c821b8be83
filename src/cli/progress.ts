import type { Io } from './io.js';

type StepState = 'running' | 'ok' | 'failed' | 'absent';

// Live progress per host and step: one redrawn line per host on a terminal, plain lines otherwise.
export interface Progress {
  step(host: string, step: string, state: StepState): void;
  note(host: string, text: string): void; // a phase change: connecting, rendering, done
  done(): void;
}

interface HostLine {
  done: number;
  failed: number;
  running: Set<string>;
  note: string;
}

// Async only to load log-update (and its string-width tables) when a terminal shows the live lines:
// a run into a pipe or a log never pays for it.
export async function createProgress(
  io: Io,
  hosts: string[],
  stream: NodeJS.WritableStream = process.stderr,
): Promise<Progress> {
  if (io.level === 'quiet') return { step: () => undefined, note: () => undefined, done: () => undefined };
  // --verbose wants every line kept, so it never redraws
  if (!io.isTTY || io.level === 'verbose') return plainProgress(io);
  const { createLogUpdate } = await import('log-update');
  return liveProgress(hosts, stream, createLogUpdate);
}

function plainProgress(io: Io): Progress {
  return {
    step(host, step, state) {
      if (state !== 'running' || io.level === 'verbose') io.err(`[${host}] ${step}: ${state}`);
    },
    note: (host, text) => io.err(`[${host}] ${text}`),
    done: () => undefined,
  };
}

function liveProgress(
  hosts: string[],
  stream: NodeJS.WritableStream,
  createLogUpdate: typeof import('log-update').createLogUpdate,
): Progress {
  const log = createLogUpdate(stream);
  const lines = new Map<string, HostLine>(
    hosts.map((h) => [h, { done: 0, failed: 0, running: new Set(), note: 'waiting' }]),
  );
  const width = Math.max(...hosts.map((h) => h.length));
  let timer: NodeJS.Timeout | null = null;
  const draw = () => {
    timer = null;
    const text = [...lines].map(([host, l]) => {
      const what = l.running.size > 0 ? [...l.running].slice(0, 3).join(', ') : l.note;
      const failed = l.failed > 0 ? `, ${l.failed} failed` : '';
      return `${host.padEnd(width)}  ${String(l.done).padStart(3)} steps${failed}  ${what}`;
    });
    log(text.join('\n'));
  };
  // At most ten redraws a second, however many steps finish.
  const schedule = () => {
    timer ??= setTimeout(draw, 100);
  };
  const line = (host: string) => lines.get(host) as HostLine;
  return {
    step(host, step, state) {
      const l = line(host);
      if (state === 'running') l.running.add(step);
      else {
        l.running.delete(step);
        l.done++;
        if (state === 'failed') l.failed++;
      }
      schedule();
    },
    note(host, text) {
      line(host).note = text;
      schedule();
    },
    done() {
      if (timer) clearTimeout(timer);
      draw();
      log.done();
    },
  };
}
