import { createLogUpdate } from 'log-update';
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

export function createProgress(io: Io, hosts: string[], stream: NodeJS.WritableStream = process.stderr): Progress {
  if (io.level === 'quiet') return { step: () => undefined, note: () => undefined, done: () => undefined };
  // --verbose wants every line kept, so it never redraws
  return io.isTTY && io.level !== 'verbose' ? liveProgress(hosts, stream) : plainProgress(io);
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

function liveProgress(hosts: string[], stream: NodeJS.WritableStream): Progress {
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
