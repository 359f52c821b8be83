import { neutralise } from '../lib/safe-text.js';

// Where a command writes: stdout/stderr in production, buffers in tests. Whatever reaches the
// terminal is neutralised last of all: no byte from a node or an input file drives the terminal.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  // true when stderr is a terminal, so live progress may redraw lines
  isTTY: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(neutralise(text.endsWith('\n') ? text : `${text}\n`)),
  err: (text) => process.stderr.write(neutralise(text.endsWith('\n') ? text : `${text}\n`)),
  isTTY: Boolean(process.stderr.isTTY),
};

export function bufferIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    isTTY: false,
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
  };
}
