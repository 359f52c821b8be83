import { fillTokens, isPid, isTmpDir } from '../plan/catalogue.js';
import type { PlanStep } from '../plan/types.js';
import { buildBatch, splitBatch } from './batch.js';
import { failure, type RunContext, record, stopped } from './context.js';
import type { ExecResult } from './ssh.js';
import { keep, keepText } from './steps.js';

// The capture's state on the node: what cleanup must stop and remove, whatever happens.
export interface CaptureState {
  bridge: string;
  dir: string | null;
  pid: string | null;
  listening: boolean;
  // the directory is gone (removed by the stop batch): no final cleanup needed
  cleaned?: boolean;
}

// tcpdump takes a moment to open the bridge; each poll is one short round trip.
const POLL_MS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const byId = (steps: PlanStep[], id: string) => steps.find((s) => s.id === id) as PlanStep;

async function exec(ctx: RunContext, command: string, timeoutSec: number): Promise<ExecResult> {
  return ctx.session.exec(command, { timeoutSec, signal: ctx.signal });
}

// mktemp, start tcpdump in the background, then wait until it says "listening on". `first` (the
// sweep of earlier runs' leftovers) runs ahead of mktemp in the same round trip.
export async function startCapture(
  ctx: RunContext,
  steps: PlanStep[],
  state: CaptureState,
  first: PlanStep[] = [],
): Promise<void> {
  const mk = byId(steps, 'capture-tmpdir');
  let t0 = new Date();
  for (const s of [...first, mk]) ctx.onEvent({ step: s.id, state: 'running' });
  let made: ExecResult;
  if (first.length > 0) {
    const batch = buildBatch([...first.map((s) => s.command), mk.command]);
    const timeoutSec = [...first, mk].reduce((sum, s) => sum + s.timeoutSec, 0);
    const parts = splitBatch(
      await ctx.session.exec(batch.command, { timeoutSec, signal: ctx.signal }),
      batch,
      first.length + 1,
    );
    for (const [i, s] of first.entries()) await keep(ctx, s, t0, parts[i] as ExecResult);
    made = parts[first.length] as ExecResult;
  } else {
    made = await exec(ctx, mk.command, mk.timeoutSec);
  }
  const dir = made.stdout.toString().trim();
  const full = /No space left on device/.test(made.stderr.toString());
  const mkError = full
    ? "the node's /tmp is full (No space left on device): no capture was taken"
    : (failure(made, mk.timeoutSec) ?? (isTmpDir(dir) ? null : `mktemp printed "${dir}"`));
  if (!mkError) state.dir = dir;
  record(ctx, mk, t0, made, { error: mkError });
  if (mkError || stopped(ctx)) return;

  const start = byId(steps, 'capture-start');
  const command = fillTokens(start.command, { dir });
  t0 = new Date();
  ctx.onEvent({ step: start.id, state: 'running' });
  const started = await exec(ctx, command, start.timeoutSec);
  const pid = started.stdout.toString().trim();
  const startError = failure(started, start.timeoutSec) ?? (isPid(pid) ? null : `no PID from the shell: "${pid}"`);
  if (!startError) state.pid = pid;
  record(ctx, { ...start, command }, t0, started, { error: startError });
  if (startError) return;

  const listen = byId(steps, 'capture-listening');
  const cat = fillTokens(listen.command, { dir });
  t0 = new Date();
  ctx.onEvent({ step: listen.id, state: 'running' });
  const deadline = Date.now() + 10_000;
  let last: ExecResult | null = null;
  while (!stopped(ctx) && Date.now() < deadline) {
    last = await exec(ctx, cat, listen.timeoutSec);
    if (last.stdout.toString().includes('listening on')) break;
    // tcpdump gave up (bad interface, no permission): its message is in the log already.
    if (/tcpdump: |packets? captured/.test(last.stdout.toString())) break;
    await sleep(POLL_MS);
  }
  const log = last?.stdout.toString() ?? '';
  state.listening = log.includes('listening on');
  const error = state.listening
    ? null
    : `tcpdump is not capturing: ${log.trim().split('\n')[0] || 'no "listening on" within 10 s'}`;
  record(ctx, { ...listen, command: cat }, t0, last, { error });
}

// tcpdump's last words: "1 packet captured" or "3 packets captured".
const CAPTURED = /\bpackets? captured\b/;

// After the probes, in one round trip: stop tcpdump (only while it runs) and wait for it to flush,
// read its log, stream the pcap back, remove the directory. Each part is recorded as its own step.
// The cleanup part counts only when it ran to its end; otherwise (a lost connection) the run's
// final cleanup does it, over a new connection if need be.
// `first` (the counters read after the probes) run at the head of the same batch, before tcpdump stops.
export async function finishCapture(
  ctx: RunContext,
  steps: PlanStep[],
  cleanup: PlanStep,
  state: CaptureState,
  first: PlanStep[] = [],
): Promise<void> {
  if (!state.dir || !state.pid) return;
  const parts = [byId(steps, 'capture-stop'), byId(steps, 'capture-log'), byId(steps, 'capture-download'), cleanup];
  const commands = parts.map((p) => fillTokens(p.command, { pid: state.pid, dir: state.dir }));
  const t0 = new Date();
  for (const p of [...first, ...parts]) ctx.onEvent({ step: p.id, state: 'running' });
  const batch = buildBatch([...first.map((s) => s.command), ...commands]);
  const timeoutSec = [...first, ...parts].reduce((sum, p) => sum + p.timeoutSec, 0);
  const r = await ctx.session.exec(batch.command, { timeoutSec, signal: ctx.signal });
  const all = splitBatch(r, batch, first.length + parts.length);
  for (const [i, s] of first.entries()) await keep(ctx, s, t0, all[i] as ExecResult);
  const [stop, log, pcap, clean] = all.slice(first.length) as [ExecResult, ExecResult, ExecResult, ExecResult];
  const [stopStep, logStep, pcapStep, cleanStep] = parts.map((p, i) => ({ ...p, command: commands[i] as string })) as [
    PlanStep,
    PlanStep,
    PlanStep,
    PlanStep,
  ];
  // "No such process": the capture already ended at its time or packet bound. Not a failure.
  record(ctx, stopStep, t0, stop, { error: stop.lost ? failure(stop, stopStep.timeoutSec) : null });

  const logPath = `capture/${state.bridge}.tcpdump.err`;
  const logDone = log.code !== null;
  if (logDone) await keepText(ctx, logPath, log.stdout, logStep.id);
  const flushed = CAPTURED.test(log.stdout.toString());
  record(ctx, logStep, t0, log, {
    outputs: logDone ? [logPath] : [],
    error: !logDone
      ? failure(log, logStep.timeoutSec)
      : flushed
        ? null
        : 'tcpdump did not report "packets captured": the pcap may be incomplete',
  });

  const pcapPath = `capture/${state.bridge}.pcap`;
  const pcapError = failure(pcap, pcapStep.timeoutSec);
  if (!pcapError) await ctx.writer.addEvidence(pcapPath, pcap.stdout, pcapStep.id);
  record(ctx, pcapStep, t0, pcap, { outputs: pcapError ? [] : [pcapPath], error: pcapError });

  if (clean.code !== null) {
    record(ctx, cleanStep, t0, clean, { error: failure(clean, cleanStep.timeoutSec) });
    state.cleaned = true;
  }
}
