import { neutralise } from '../lib/safe-text.js';

// Where a command writes: stdout/stderr in production, buffers in tests. Whatever reaches the
// terminal is neutralised last of all: no byte from a node or an input file drives the terminal.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  // true when stderr is a terminal, so live progress may redraw lines
  isTTY: boolean;
  // --quiet: results and errors only; --verbose: every step as it starts and ends
  level?: 'quiet' | 'normal' | 'verbose';
  // colour on stdout: a terminal, and NO_COLOR unset or empty (https://no-color.org)
  color?: boolean;
}

// NO_COLOR counts when it is set to anything but the empty string; FORCE_COLOR=0 also turns it off.
export function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return true;
  return isTTY && env.TERM !== 'dumb';
}

export const processIo: Io = {
  out: (text) => process.stdout.write(neutralise(text.endsWith('\n') ? text : `${text}\n`)),
  err: (text) => process.stderr.write(neutralise(text.endsWith('\n') ? text : `${text}\n`)),
  isTTY: Boolean(process.stderr.isTTY),
  color: wantsColor(process.env, Boolean(process.stdout.isTTY)),
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

const STYLES = { bold: [1, 22], red: [31, 39], green: [32, 39], yellow: [33, 39] } as const;

// Text in a colour when the Io wants colour, else as it is.
export function paint(io: Io, style: keyof typeof STYLES, text: string): string {
  if (!io.color) return text;
  const [on, off] = STYLES[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}
