import { redactSecrets } from '../lib/redact.js';
import type { PlanStep } from '../plan/types.js';
import type { StepResult } from '../schema/manifest.js';
import { buildBatch, splitBatch } from './batch.js';
import { failure, type RunContext, record, stopped } from './context.js';
import type { ExecResult } from './ssh.js';

// Runs one command, file or probe step and keeps what it produced as evidence.
// Returns the step's stdout too: the first phase's outputs decide the rest of the plan.
export async function runStep(
  ctx: RunContext,
  step: PlanStep,
  opts: { pvePath?: string } = {},
): Promise<{ result: StepResult; stdout: string }> {
  const startedAt = new Date();
  ctx.onEvent({ step: step.id, state: 'running' });
  const r = await ctx.session.exec(step.command, { timeoutSec: step.timeoutSec, signal: ctx.signal });
  return { result: await keep(ctx, step, startedAt, r, opts.pvePath), stdout: r.stdout.toString('utf8') };
}

export interface Kept {
  result: StepResult;
  stdout: string;
}

// Many steps in one round trip (see batch.ts): each is still recorded as its own step with its own
// command, exit status and evidence. `pvePathOf` may rename a file's evidence (host.fw is stored
// under the node's name); `onKept` sees each part as soon as it is kept, in order, so a later part's
// name can depend on an earlier part (the hostname).
export async function runBatch(
  ctx: RunContext,
  steps: readonly PlanStep[],
  opts: { pvePathOf?: (s: PlanStep) => string | undefined; onKept?: (s: PlanStep, k: Kept) => void } = {},
): Promise<Kept[]> {
  if (steps.length === 0 || stopped(ctx)) return [];
  for (const s of steps) ctx.onEvent({ step: s.id, state: 'running' });
  return keepBatch(ctx, steps, await sendBatch(ctx, steps), opts);
}

export interface SentBatch {
  startedAt: Date;
  parts: ExecResult[];
}

// Runs a batch without recording anything yet: a read made ahead of the answer that decides whether
// it belongs to the plan (the iptables ruleset, before host.fw says which backend) is kept only if it does.
// `after` chains parts as buildBatch does.
export async function sendBatch(
  ctx: RunContext,
  steps: readonly PlanStep[],
  after?: readonly (number | null)[],
): Promise<SentBatch> {
  const startedAt = new Date();
  const batch = buildBatch(
    steps.map((s) => s.command),
    undefined,
    after,
  );
  const timeoutSec = steps.reduce((sum, s) => sum + s.timeoutSec, 0);
  const r = await ctx.session.exec(batch.command, { timeoutSec, signal: ctx.signal });
  return { startedAt, parts: splitBatch(r, batch, steps.length) };
}

export async function keepBatch(
  ctx: RunContext,
  steps: readonly PlanStep[],
  sent: SentBatch,
  opts: { pvePathOf?: (s: PlanStep) => string | undefined; onKept?: (s: PlanStep, k: Kept) => void } = {},
): Promise<Kept[]> {
  const out: Kept[] = [];
  for (const [i, step] of steps.entries()) {
    const part = sent.parts[i] as ExecResult;
    const result = await keep(ctx, step, sent.startedAt, part, opts.pvePathOf?.(step));
    const kept = { result, stdout: part.stdout.toString('utf8') };
    opts.onKept?.(step, kept);
    out.push(kept);
  }
  return out;
}

// Steps dealt round-robin into `lanes` batches that run side by side, one channel each: slow
// commands on a real node (pct, qm and pve-firewall are Perl) overlap, and a node with thirty guests
// still costs a few sessions, not ninety. Steps listed first start first in their lane.
export async function runLanes(
  ctx: RunContext,
  steps: readonly PlanStep[],
  lanes: number,
  onKept?: (s: PlanStep, k: Kept) => void,
): Promise<void> {
  const n = Math.max(1, Math.min(lanes, steps.length));
  const dealt = Array.from({ length: n }, (_, lane) => steps.filter((_, i) => i % n === lane));
  await Promise.all(dealt.map((lane) => runBatch(ctx, lane, { onKept })));
}

// Every text that becomes evidence is redacted first (guest configs carry cipassword hashes,
// curl output carries headers); what was removed is listed in the manifest, never the value.
export async function keepText(ctx: RunContext, path: string, data: Buffer | string, step: string): Promise<void> {
  const { text, redactions } = redactSecrets(typeof data === 'string' ? data : data.toString('utf8'));
  await ctx.writer.addEvidence(path, text, step);
  for (const red of redactions) ctx.redactions.push({ path, what: red.what, count: red.count });
}

// Records what one step returned (run alone or as part of a batch) and keeps its evidence.
export async function keep(ctx: RunContext, step: PlanStep, startedAt: Date, r: ExecResult, pvePath?: string) {
  const base = { id: step.id, kind: step.kind, command: step.command };
  if (step.kind === 'file') return fileResult(ctx, step, base, startedAt, r, pvePath ?? (step.pvePath as string));
  if (step.kind === 'probe') return probeResult(ctx, step, base, startedAt, r);
  const outputs = [`commands/${step.id}.out`, `commands/${step.id}.err`];
  await keepText(ctx, outputs[0] as string, r.stdout, step.id);
  await keepText(ctx, outputs[1] as string, r.stderr, step.id);
  return record(ctx, base, startedAt, r, { outputs, error: failure(r, step.timeoutSec) });
}

async function fileResult(
  ctx: RunContext,
  step: PlanStep,
  base: Pick<StepResult, 'id' | 'kind' | 'command'>,
  startedAt: Date,
  r: ExecResult,
  pvePath: string,
): Promise<StepResult> {
  // A missing <vmid>.fw or host.fw is a fact about the node, not a failed step.
  if (r.code === 1 && /No such file or directory/.test(r.stderr.toString())) {
    return record(ctx, base, startedAt, r, { absent: true });
  }
  const error = failure(r, step.timeoutSec);
  if (error) return record(ctx, base, startedAt, r, { error });
  const path = `pve/${pvePath}`;
  await keepText(ctx, path, r.stdout, step.id);
  return record(ctx, base, startedAt, r, { outputs: [path] });
}

interface GuestExec {
  exitcode?: number;
  exited?: number | boolean;
  'out-data'?: string;
  'err-data'?: string;
}

async function probeResult(
  ctx: RunContext,
  step: PlanStep,
  base: Pick<StepResult, 'id' | 'kind' | 'command'>,
  startedAt: Date,
  r: ExecResult,
): Promise<StepResult> {
  const probe = step.probe as NonNullable<PlanStep['probe']>;
  const outputs: string[] = [];
  let text = r.stdout.toString('utf8');
  let exitCode = r.code;
  let error: string | null = null;
  if (probe.via === 'qm') {
    // qm guest exec prints JSON; curl's exit code and output are inside it.
    const raw = `probes/${probe.name}.guest-exec.json`;
    await keepText(ctx, raw, r.stdout, step.id);
    outputs.push(raw);
    const decoded = decodeGuestExec(r.stdout.toString('utf8'));
    if (decoded) {
      text = decoded.text;
      exitCode = decoded.exitCode;
    } else {
      error = failure(r, step.timeoutSec) ?? 'qm guest exec did not return JSON (is the guest agent running?)';
      text = r.stdout.toString('utf8') + r.stderr.toString('utf8');
    }
  } else if (r.code === 127 || r.timedOut || r.lost || r.code === null || (probe.via === 'pct' && r.code === 255)) {
    // curl failing is the observation; an error is a probe that could not run at all (no curl,
    // pct exec refusing a stopped container with 255, a timeout or a lost connection).
    error = failure(r, step.timeoutSec);
  }
  error ??= probeDidNotRun(text);
  const path = `probes/${probe.name}.curl.txt`;
  await keepText(ctx, path, text, step.id);
  outputs.push(path);
  return record(ctx, base, startedAt, r, { exitCode, outputs, error });
}

// Output that means no packet was sent: the guest does not exist here, or curl refused its own
// arguments (2 failed to start, 3 bad URL, 4 feature missing, 49 bad --resolve/option). Such a probe
// observed nothing, and must not be read as a connection that failed.
export function probeDidNotRun(text: string): string | null {
  const missing = /Configuration file '(nodes\/[^']+)' does not exist/.exec(text);
  if (missing) return `the probe did not run: ${missing[1]} does not exist on this node`;
  const curl = /^curl: \((2|3|4|49)\) (.*)$/m.exec(text);
  if (curl) return `the probe did not run: curl refused its arguments (exit ${curl[1]}: ${curl[2]})`;
  return null;
}

export function decodeGuestExec(json: string): { text: string; exitCode: number | null } | null {
  try {
    const v = JSON.parse(json) as GuestExec;
    if (typeof v !== 'object' || v === null) return null;
    return {
      text: `${v['err-data'] ?? ''}${v['out-data'] ?? ''}`,
      exitCode: typeof v.exitcode === 'number' ? v.exitcode : null,
    };
  } catch {
    return null;
  }
}
