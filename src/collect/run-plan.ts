import type { BundleWriter } from '../bundle/index.js';
import { buildPlan } from '../plan/build-plan.js';
import { discover, nodeName } from '../plan/discovery.js';
import { printPlan } from '../plan/print.js';
import type { Discovery, Plan, PlanStep } from '../plan/types.js';
import type { AuditFile } from '../schema/audit.js';
import type { StepResult } from '../schema/manifest.js';
import { type CaptureState, startCapture, stopCapture } from './capture.js';
import { cleanupNode } from './cleanup.js';
import { type RunContext, type StepEvent, stopped } from './context.js';
import { runPool } from './pool.js';
import type { SshSession } from './ssh.js';
import { runStep } from './steps.js';

export interface CollectInput {
  session: SshSession;
  reconnect: () => Promise<SshSession>;
  writer: BundleWriter;
  audit: AuditFile;
  host: string;
  signal?: AbortSignal;
  onEvent?: (e: StepEvent) => void;
  parallel?: number; // channels in flight on the one connection (OpenSSH allows 10 sessions)
}

export interface CollectOutcome {
  plan: Plan;
  discovery: Discovery | null;
  steps: StepResult[];
  redactions: RunContext['redactions'];
  notProxmox: boolean;
  lost: boolean;
  aborted: boolean;
}

export const NOT_PROXMOX = 'pct: command not found: this host does not look like a Proxmox node';

// Runs one host's plan. A failing step is recorded and the run goes on; a lost connection or an
// abort stops it; the node is cleaned up on every way out.
export async function collectHost(input: CollectInput): Promise<CollectOutcome> {
  const ctx: RunContext = {
    session: input.session,
    writer: input.writer,
    signal: input.signal,
    results: [],
    redactions: [],
    lost: false,
    onEvent: input.onEvent ?? (() => undefined),
  };
  session(ctx, input.session);
  const parallel = input.parallel ?? 4;
  let plan = buildPlan(input.audit, input.host);
  const capture: CaptureState = { bridge: input.audit.capture?.bridge ?? '', dir: null, pid: null, listening: false };
  let discovery: Discovery | null = null;
  let notProxmox = false;
  try {
    const facts = plan.steps.filter((s) => s.phase === 'facts');
    const out: Record<string, string> = {};
    const hostname = await runStep(ctx, facts[0] as PlanStep);
    out.hostname = hostname.stdout;
    const node = hostname.result.error ? null : nodeName(hostname.stdout);
    await runPool(
      facts.slice(1),
      parallel,
      async (s) => {
        const pvePath = s.pvePath === 'local/host.fw' && node ? `nodes/${node}/host.fw` : undefined;
        const done = await runStep(ctx, s, { pvePath });
        out[s.id] = done.result.error || done.result.absent ? '' : done.stdout;
      },
      () => stopped(ctx),
    );
    const pctList = ctx.results.find((r) => r.id === 'pct-list');
    if (pctList?.exitCode === 127) {
      notProxmox = true;
      pctList.error = NOT_PROXMOX;
    }
    if (notProxmox || stopped(ctx)) return outcome();
    discovery = discover({
      hostname: out.hostname ?? '',
      pctList: out['pct-list'] ?? '',
      qmList: out['qm-list'] ?? '',
      hostFw: out['pve/local/host.fw'] ?? '',
    });
    if (!discovery) return outcome();
    plan = buildPlan(input.audit, input.host, discovery);
    const phase = (p: PlanStep['phase']) => plan.steps.filter((s) => s.phase === p);
    await runPool(
      [...phase('guests'), ...phase('ruleset')],
      parallel,
      (s) => runStep(ctx, s),
      () => stopped(ctx),
    );
    if (stopped(ctx)) return outcome();
    if (input.audit.capture) await startCapture(ctx, phase('capture-start'), capture);
    // One probe at a time, so each one's packets are easy to tell apart in the capture.
    for (const probe of phase('probes')) {
      if (stopped(ctx)) break;
      await runStep(ctx, probe);
    }
    for (const step of phase('counters')) if (!stopped(ctx)) await runStep(ctx, step);
    if (input.audit.capture && !stopped(ctx)) await stopCapture(ctx, phase('capture-stop'), capture);
    return outcome();
  } finally {
    const step = plan.steps.find((s) => s.phase === 'cleanup');
    if (step && capture.dir) {
      ctx.onEvent({ step: step.id, state: 'running' });
      const result = await cleanupNode(step, capture, ctx.session, async () => session(ctx, await input.reconnect()));
      if (result) {
        ctx.results.push(result);
        ctx.onEvent({ step: step.id, state: result.error ? 'failed' : 'ok' });
      }
    }
  }

  function outcome(): CollectOutcome {
    if (ctx.lost) ctx.results.push(...notRun(plan, ctx.results));
    return {
      plan,
      discovery,
      steps: ctx.results,
      redactions: ctx.redactions,
      notProxmox,
      lost: ctx.lost,
      aborted: Boolean(input.signal?.aborted),
    };
  }
}

// Tracks which connection the run uses, so a drop stops further steps at once.
function session(ctx: RunContext, s: SshSession): SshSession {
  ctx.session = s;
  s.onLost(() => {
    if (ctx.session === s) ctx.lost = true;
  });
  return s;
}

// After a lost connection every step that never ran is named, with why, so the report's incomplete
// list says the capture (or a probe, or a guest's config) is missing instead of silently lacking it.
function notRun(plan: Plan, results: StepResult[]): StepResult[] {
  const ran = new Set(results.map((r) => r.id));
  const now = new Date().toISOString();
  return plan.steps
    .filter((s) => !ran.has(s.id) && s.phase !== 'cleanup' && s.when === undefined)
    .map((s) => ({
      id: s.id,
      kind: s.kind,
      command: printPlan({ ...plan, steps: [s] })[0] ?? s.command,
      exitCode: null,
      signal: null,
      timedOut: false,
      startedAt: now,
      finishedAt: now,
      error: 'not run: the SSH connection was lost before this step',
      absent: false,
      outputs: [],
    }));
}
