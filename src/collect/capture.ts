import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillTokens, isPid, isTmpDir } from '../plan/catalogue.js';
import type { PlanStep } from '../plan/types.js';
import { failure, type RunContext, record, stopped } from './context.js';
import type { ExecResult } from './ssh.js';
import { keepText } from './steps.js';

// The capture's state on the node: what cleanup must stop and remove, whatever happens.
export interface CaptureState {
  bridge: string;
  dir: string | null;
  pid: string | null;
  listening: boolean;
}

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const byId = (steps: PlanStep[], id: string) => steps.find((s) => s.id === id) as PlanStep;

async function exec(ctx: RunContext, command: string, timeoutSec: number): Promise<ExecResult> {
  return ctx.session.exec(command, { timeoutSec, signal: ctx.signal });
}

// mktemp, start tcpdump in the background, then wait until it says "listening on".
export async function startCapture(ctx: RunContext, steps: PlanStep[], state: CaptureState): Promise<void> {
  const mk = byId(steps, 'capture-tmpdir');
  let t0 = new Date();
  ctx.onEvent({ step: mk.id, state: 'running' });
  const made = await exec(ctx, mk.command, mk.timeoutSec);
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

// kill -INT, wait for "packets captured" so the pcap is flushed, keep its log and download it.
export async function stopCapture(ctx: RunContext, steps: PlanStep[], state: CaptureState): Promise<void> {
  if (!state.dir || !state.pid) return;
  const stop = byId(steps, 'capture-stop');
  const kill = fillTokens(stop.command, { pid: state.pid, dir: state.dir });
  let t0 = new Date();
  const killed = await exec(ctx, kill, stop.timeoutSec);
  // "No such process": the capture already ended at its time or packet bound. Not a failure.
  record(ctx, { ...stop, command: kill }, t0, killed, { error: killed.lost ? failure(killed, stop.timeoutSec) : null });
  if (stopped(ctx)) return;

  const logStep = byId(steps, 'capture-log');
  const cat = fillTokens(logStep.command, { dir: state.dir });
  t0 = new Date();
  const deadline = Date.now() + 10_000;
  let last: ExecResult | null = null;
  while (!stopped(ctx) && Date.now() < deadline) {
    last = await exec(ctx, cat, logStep.timeoutSec);
    if (CAPTURED.test(last.stdout.toString())) break;
    await sleep(POLL_MS);
  }
  const logPath = `capture/${state.bridge}.tcpdump.err`;
  if (last) await keepText(ctx, logPath, last.stdout, logStep.id);
  const flushed = CAPTURED.test(last?.stdout.toString() ?? '');
  record(ctx, { ...logStep, command: cat }, t0, last, {
    outputs: last ? [logPath] : [],
    error: flushed ? null : 'tcpdump did not report "packets captured": the pcap may be incomplete',
  });
  if (stopped(ctx)) return;
  await download(ctx, byId(steps, 'capture-download'), state);
}

async function download(ctx: RunContext, step: PlanStep, state: CaptureState): Promise<void> {
  const remote = `${state.dir}/capture.pcap`;
  const command = fillTokens(step.command, { dir: state.dir });
  const t0 = new Date();
  const local = await mkdtemp(join(tmpdir(), 'pveaudit-pcap-'));
  try {
    await ctx.session.getFile(remote, join(local, 'capture.pcap'));
    const path = `capture/${state.bridge}.pcap`;
    await ctx.writer.addEvidenceFile(path, join(local, 'capture.pcap'), step.id);
    record(ctx, { ...step, command }, t0, null, { exitCode: 0, outputs: [path] });
  } catch (err) {
    if (!ctx.session.isConnected()) ctx.lost = true;
    record(ctx, { ...step, command }, t0, null, { error: `SFTP download failed: ${(err as Error).message}` });
  } finally {
    await rm(local, { recursive: true, force: true });
  }
}
