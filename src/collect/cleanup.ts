import { cleanupCommand, fillTokens } from '../plan/catalogue.js';
import type { PlanStep } from '../plan/types.js';
import type { StepResult } from '../schema/manifest.js';
import type { CaptureState } from './capture.js';
import { failure } from './context.js';
import type { SshSession } from './ssh.js';

// Stops the capture and removes its directory on the node. Runs on every way out (done, failed step,
// Ctrl-C, SIGTERM, dropped connection): over the run's connection if it still stands, else over a
// new one. Never takes the run's abort signal: an interrupted run is exactly when it must finish.
export async function cleanupNode(
  step: PlanStep,
  state: CaptureState,
  session: SshSession,
  reconnect: () => Promise<SshSession>,
): Promise<StepResult | null> {
  if (!state.dir) return null;
  const command = fillTokens(state.pid === null ? cleanupCommand(false) : step.command, state);
  const startedAt = new Date().toISOString();
  let error: string | null = null;
  let exitCode: number | null = null;
  let timedOut = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    let s: SshSession | null = null;
    try {
      s = session.isConnected() ? session : await reconnect();
      const r = await s.exec(command, { timeoutSec: step.timeoutSec });
      exitCode = r.code;
      timedOut = r.timedOut;
      error = failure(r, step.timeoutSec);
      if (!r.lost) break;
    } catch (err) {
      error = `could not reach the node to clean up ${state.dir}: ${(err as Error).message}`;
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
    } finally {
      if (s && s !== session) s.close();
    }
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
