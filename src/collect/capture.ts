import { randomInt } from 'node:crypto';
import { fillTokens, isPid } from '../plan/catalogue.js';
import type { PlanStep } from '../plan/types.js';
import { failure, type RunContext, record, stopped } from './context.js';
import type { ExecResult } from './ssh.js';
import { keepBatch, keepText, sendBatch } from './steps.js';

// The capture's state on the node: what cleanup must stop and remove, whatever happens.
export interface CaptureState {
  bridge: string;
  dir: string | null;
  pid: string | null;
  listening: boolean;
  // the directory is gone (removed by the stop batch): no final cleanup needed
  cleaned?: boolean;
}

const byId = (steps: PlanStep[], id: string) => steps.find((s) => s.id === id) as PlanStep;

// The capture directory's name, drawn here (as mktemp would on the node) so that the whole start
// needs no answer from the node before tcpdump runs.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function drawTmpDir(): string {
  return `/tmp/pveaudit.${Array.from({ length: 6 }, () => ALNUM[randomInt(ALNUM.length)]).join('')}`;
}

// One round trip, chained on the node: the directory, tcpdump in the background, then the wait until
// it says "listening on". Each part is recorded as its own step; a part whose predecessor failed never runs.
export async function startCapture(ctx: RunContext, steps: PlanStep[], state: CaptureState): Promise<void> {
  const chain = [byId(steps, 'capture-tmpdir'), byId(steps, 'capture-start'), byId(steps, 'capture-listening')];
  const dir = drawTmpDir();
  const [mk, start, listen] = chain.map((s) => ({ ...s, command: fillTokens(s.command, { dir }) })) as [
    PlanStep,
    PlanStep,
    PlanStep,
  ];
  for (const s of [mk, start, listen]) ctx.onEvent({ step: s.id, state: 'running' });
  // Named before the node confirms it: an interrupted start is still cleaned up (the cleanup
  // removes only a directory that carries pveaudit's marker, and finds tcpdump's PID in it).
  state.dir = dir;
  const { startedAt: t0, parts } = await sendBatch(ctx, [mk, start, listen], [null, 0, 1]);
  const [made, started, heard] = parts as [ExecResult, ExecResult, ExecResult];

  const printed = made.stdout.toString().trim();
  const full = /No space left on device/.test(made.stderr.toString());
  const mkError = full
    ? "the node's /tmp is full (No space left on device): no capture was taken"
    : (failure(made, mk.timeoutSec) ?? (printed === dir ? null : `mkdir printed "${printed}"`));
  // Refused by the node (not cut short): nothing of this run's is there to clean up.
  if (mkError && made.code !== null) state.dir = null;
  record(ctx, mk, t0, made, { error: mkError });
  if (mkError || stopped(ctx)) return;

  const pid = started.stdout.toString().trim();
  const startError = failure(started, start.timeoutSec) ?? (isPid(pid) ? null : `no PID from the shell: "${pid}"`);
  if (!startError) state.pid = pid;
  record(ctx, start, t0, started, { error: startError });
  if (startError) return;

  const log = heard.stdout.toString();
  state.listening = heard.code === 0 && log.includes('listening on');
  const error = state.listening
    ? null
    : (failure(heard, listen.timeoutSec) ??
      `tcpdump is not capturing: ${log.trim().split('\n')[0] || 'no "listening on" within 10 s'}`);
  record(ctx, listen, t0, heard, { error });
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
  const [stopStep, logStep, pcapStep, cleanStep] = parts.map((p) => ({
    ...p,
    command: fillTokens(p.command, { pid: state.pid, dir: state.dir }),
  })) as [PlanStep, PlanStep, PlanStep, PlanStep];
  const filled = [stopStep, logStep, pcapStep, cleanStep];
  for (const p of [...first, ...filled]) ctx.onEvent({ step: p.id, state: 'running' });
  const sent = await sendBatch(ctx, [...first, ...filled]);
  const t0 = sent.startedAt;
  await keepBatch(ctx, first, { startedAt: t0, parts: sent.parts.slice(0, first.length) });
  const [stop, log, pcap, clean] = sent.parts.slice(first.length) as [ExecResult, ExecResult, ExecResult, ExecResult];
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
