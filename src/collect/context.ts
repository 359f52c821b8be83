import type { BundleWriter } from '../bundle/index.js';
import type { StepResult } from '../schema/manifest.js';
import type { ExecResult, SshSession } from './ssh.js';

export type StepEvent = { step: string; state: 'running' | 'ok' | 'failed' | 'absent' };

// What every step of one host's run shares: the connection, the bundle, the results so far.
export interface RunContext {
  session: SshSession;
  writer: BundleWriter;
  signal?: AbortSignal;
  results: StepResult[];
  redactions: { path: string; what: string; count: number }[];
  // set when the connection dropped: no further step starts
  lost: boolean;
  onEvent(e: StepEvent): void;
}

export function stopped(ctx: RunContext): boolean {
  return ctx.lost || Boolean(ctx.signal?.aborted) || !ctx.session.isConnected();
}

const lines = (b: Buffer) =>
  b
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

// A login shell may print to stderr before the command runs (a noisy .bashrc, pyenv hooks): the
// command's own complaint is stderr's last line, never its first.
const lastLine = (b: Buffer) => lines(b).at(-1) ?? '';
const firstLine = (b: Buffer) => lines(b)[0] ?? '';

// Why a step failed, in words: null when it did not.
export function failure(r: ExecResult, timeoutSec: number): string | null {
  if (r.lost) return 'the SSH connection was lost while this step ran';
  if (r.timedOut) return `timed out after ${timeoutSec} s`;
  if (r.code === 0) return null;
  if (r.code === null) return r.signal ? `stopped by signal ${r.signal}` : 'interrupted';
  const why = lastLine(r.stderr) || firstLine(r.stdout);
  if (r.code === 127) return why ? `command not found: ${why}` : 'command not found';
  return why ? `exit ${r.code}: ${why}` : `exit ${r.code}`;
}

export function record(
  ctx: RunContext,
  base: Pick<StepResult, 'id' | 'kind' | 'command'>,
  startedAt: Date,
  r: ExecResult | null,
  extra: Partial<StepResult>,
): StepResult {
  const result: StepResult = {
    id: base.id,
    kind: base.kind,
    command: base.command,
    exitCode: r?.code ?? null,
    signal: r?.signal ?? null,
    timedOut: r?.timedOut ?? false,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    error: null,
    absent: false,
    outputs: [],
    ...extra,
  };
  ctx.results.push(result);
  if (r?.lost) ctx.lost = true;
  ctx.onEvent({ step: result.id, state: result.absent ? 'absent' : result.error ? 'failed' : 'ok' });
  return result;
}
