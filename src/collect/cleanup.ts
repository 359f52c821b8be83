import { cleanupCommand, fillTokens } from '../plan/catalogue.js';
import type { PlanStep } from '../plan/types.js';
import type { StepResult } from '../schema/manifest.js';
import type { CaptureState } from './capture.js';
import { failure } from './context.js';
import type { SshSession } from './ssh.js';

export interface CleanupTiming {
  // How long to keep trying to reach the node: a link outage of a minute must still end clean.
  windowMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const CLEANUP_TIMING: CleanupTiming = { windowMs: 180_000, firstDelayMs: 1_000, maxDelayMs: 15_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Stops the capture and removes its directory on the node. Runs on every way out (done, failed step,
// Ctrl-C, SIGTERM, dropped connection): over the run's connection if it still stands, else over a
// new one, retrying with a doubling delay until the window closes. Never takes the run's abort
// signal: an interrupted run is exactly when it must finish. What it could not remove, the next
// run's sweep removes (the directory carries pveaudit's marker).
export async function cleanupNode(
  step: PlanStep,
  state: CaptureState,
  session: SshSession,
  reconnect: () => Promise<SshSession>,
  timing: CleanupTiming = CLEANUP_TIMING,
): Promise<StepResult | null> {
  if (!state.dir) return null;
  const command = fillTokens(state.pid === null ? cleanupCommand(false) : step.command, state);
  const startedAt = new Date().toISOString();
  const deadline = Date.now() + timing.windowMs;
  let error: string | null = null;
  let exitCode: number | null = null;
  let timedOut = false;
  let attempts = 0;
  let reached = false;
  for (let delay = timing.firstDelayMs; ; delay = Math.min(delay * 2, timing.maxDelayMs)) {
    attempts++;
    let s: SshSession | null = null;
    try {
      s = session.isConnected() ? session : await reconnect();
      const r = await s.exec(command, { timeoutSec: step.timeoutSec });
      reached = !r.lost;
      exitCode = r.code;
      timedOut = r.timedOut;
      error = failure(r, step.timeoutSec);
      if (!r.lost) break;
    } catch (err) {
      error = `could not reach the node to clean up ${state.dir}: ${(err as Error).message}`;
    } finally {
      if (s && s !== session) s.close();
    }
    if (Date.now() + delay >= deadline) break;
    await sleep(delay);
  }
  if (error && !reached) {
    const secs = Math.round(timing.windowMs / 1000);
    error = `${error} (${attempts} attempts over ${secs} s; the next run on this node removes ${state.dir})`;
  }
  return {
    id: step.id,
    kind: step.kind,
    command,
    exitCode,
    signal: null,
    timedOut,
    startedAt,
    finishedAt: new Date().toISOString(),
    error,
    absent: false,
    outputs: [],
  };
}
