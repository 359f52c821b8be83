import type { BundleWriter } from '../bundle/index.js';
import { buildPlan } from '../plan/build-plan.js';
import { discover, hostUsesNftables, nodeName } from '../plan/discovery.js';
import { printPlan } from '../plan/print.js';
import type { Discovery, Plan, PlanStep } from '../plan/types.js';
import type { AuditFile } from '../schema/audit.js';
import type { StepResult } from '../schema/manifest.js';
import { type CaptureState, finishCapture, startCapture } from './capture.js';
import { cleanupNode } from './cleanup.js';
import { type RunContext, type StepEvent, stopped } from './context.js';
import { runPool } from './pool.js';
import type { SshSession } from './ssh.js';
import { runFileBatch, runStep } from './steps.js';

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

// Runs one host's plan as a pipeline: right after connecting, the capture chain (sweep, mktemp,
// tcpdump, "listening on") and the reads (facts, then guests and ruleset) start side by side; the
// probes wait for the capture to listen and for the facts and the ruleset (counters and verdicts read
// before the probe; a host without `pct` is not probed), and the guests' reads carry on meanwhile.
// /etc/pve files are read in batches (one round trip each). A failing step is recorded and the run
// goes on; a lost connection or an abort stops it; the node is cleaned up on every way out.
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
  const planned = plan;
  const capture: CaptureState = { bridge: input.audit.capture?.bridge ?? '', dir: null, pid: null, listening: false };
  let discovery: Discovery | null = null;
  let notProxmox = false;
  const phaseOf = (p: PlanStep['phase']) => plan.steps.filter((s) => s.phase === p);
  try {
    const facts = planned.steps.filter((s) => s.phase === 'facts');
    const sweep = facts.find((s) => s.id === 'sweep');
    // The sweep and mktemp share a round trip: the capture gates the probes.
    const captureChain = (async () => {
      if (input.audit.capture) {
        await startCapture(
          ctx,
          planned.steps.filter((s) => s.phase === 'capture-start'),
          capture,
          sweep ? [sweep] : [],
        );
      } else if (sweep) await runStep(ctx, sweep);
    })();
    const reads = readNode(
      ctx,
      facts.filter((s) => s !== sweep),
      parallel,
      (early) => buildPlan(input.audit, input.host, early),
      (found, d) => {
        notProxmox = found;
        if (d) {
          discovery = d;
          plan = buildPlan(input.audit, input.host, d);
        }
        return plan;
      },
    );
    // The probes: only once the capture listens (or failed to) and the ruleset is read (its counters
    // before the probes); one at a time, so each one's packets are easy to tell apart in the capture.
    // Not a Proxmox node: nothing was probed, so the capture is only removed (finally), not kept.
    const finishing = () => Boolean(input.audit.capture && capture.dir && capture.pid) && !stopped(ctx) && !notProxmox;
    let ranProbes = false;
    const probing = (async () => {
      const [, early] = await Promise.all([captureChain, reads.beforeProbes]);
      if (notProxmox || !early) return;
      ranProbes = true;
      for (const probe of early.steps.filter((s) => s.phase === 'probes')) {
        if (stopped(ctx)) break;
        await runStep(ctx, probe);
      }
      // The counters again, right after the probes: what rose in between is the probes' doing. With
      // a capture to finish they lead its stop batch (one round trip less), else they run here.
      if (!finishing())
        for (const step of early.steps.filter((s) => s.phase === 'counters'))
          if (!stopped(ctx)) await runStep(ctx, step);
    })();
    await Promise.all([captureChain, reads.done, probing]);
    const cleanup = plan.steps.find((s) => s.phase === 'cleanup');
    if (finishing() && cleanup) {
      await finishCapture(ctx, phaseOf('capture-stop'), cleanup, capture, ranProbes ? phaseOf('counters') : []);
    }
    return outcome();
  } finally {
    const step = plan.steps.find((s) => s.phase === 'cleanup');
    if (step && capture.dir && !capture.cleaned) {
      ctx.onEvent({ step: step.id, state: 'running' });
      const result = await cleanupNode(step, capture, ctx.session, async () => session(ctx, await input.reconnect()));
      if (result) {
        ctx.results.push(result);
        inPlanOrder(plan, ctx.results);
        ctx.onEvent({ step: step.id, state: result.error ? 'failed' : 'ok' });
      }
    }
  }

  function outcome(): CollectOutcome {
    if (ctx.lost) ctx.results.push(...notRun(plan, ctx.results));
    return {
      plan,
      discovery,
      steps: inPlanOrder(plan, ctx.results),
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

// The reads: every fact at once (the /etc/pve files as one batch). `beforeProbes` settles with a
// provisional plan (the node's name and its backend; no guests yet) once the ruleset is read: that
// needs host.fw (which backend) and a sign that the node runs Proxmox, not `pct list` or `qm list`,
// which are slow on a real node (Perl, a status query per guest) and which the probes do not need:
// a probe names its guest itself, and one that is not running fails its own probe (the analysis
// says why, from the guest lists). `done` settles when every read is in, the guests' too, which
// start once both lists are.
function readNode(
  ctx: RunContext,
  facts: PlanStep[],
  parallel: number,
  provisional: (d: Discovery) => Plan,
  learned: (notProxmox: boolean, d: Discovery | null) => Plan,
): { beforeProbes: Promise<Plan | null>; done: Promise<void> } {
  const out: Record<string, string> = {};
  const hostname = facts.find((s) => s.id === 'hostname');
  const hostnameRun = hostname ? runStep(ctx, hostname) : Promise.resolve(null);
  const node = hostnameRun.then((h) => {
    out.hostname = h?.stdout ?? '';
    return h && !h.result.error ? nodeName(h.stdout) : null;
  });
  const commands = facts.filter((s) => s.kind !== 'file' && s !== hostname);
  const files = facts.filter((s) => s.kind === 'file');
  // A Proxmox tool that ran (pveversion) is sign enough to go on; only `pct list` failing with 127
  // makes the node "not Proxmox", so without that sign the answer waits for pct list.
  let proxmoxSign = () => {};
  const proxmoxKnown = new Promise<void>((resolve) => {
    proxmoxSign = resolve;
  });
  const commandsDone = runPool(
    commands,
    parallel,
    async (s) => {
      const done = await runStep(ctx, s);
      out[s.id] = done.result.error || done.result.absent ? '' : done.stdout;
      if ((s.id === 'pveversion' && done.result.exitCode === 0) || s.id === 'pct-list') proxmoxSign();
    },
    () => stopped(ctx),
  ).finally(() => proxmoxSign());
  const filesDone = runFileBatch(ctx, files, async (s) => {
    const n = await node;
    return s.pvePath === 'local/host.fw' && n ? `nodes/${n}/host.fw` : undefined;
  }).then((done) => {
    for (const [i, d] of done.entries()) {
      const s = files[i] as PlanStep;
      out[s.id] = d.result.error || d.result.absent ? '' : d.stdout;
    }
  });
  const pctListMissing = () => ctx.results.find((r) => r.id === 'pct-list')?.exitCode === 127;

  const beforeProbes = (async (): Promise<Plan | null> => {
    const [n] = await Promise.all([node, filesDone, proxmoxKnown]);
    if (!n || stopped(ctx) || pctListMissing()) return null;
    const early = provisional({
      node: n,
      lxc: [],
      qemu: [],
      nftables: hostUsesNftables(out['pve/local/host.fw'] ?? ''),
    });
    await runPool(
      early.steps.filter((s) => s.phase === 'ruleset'),
      parallel,
      (s) => runStep(ctx, s),
      () => stopped(ctx),
    );
    return early;
  })();

  const guests = (async () => {
    await Promise.all([node, commandsDone, filesDone]);
    const pctList = ctx.results.find((r) => r.id === 'pct-list');
    if (pctList?.exitCode === 127) {
      pctList.error = NOT_PROXMOX;
      learned(true, null);
      return;
    }
    if (stopped(ctx)) return;
    const discovery = discover({
      hostname: out.hostname ?? '',
      pctList: out['pct-list'] ?? '',
      qmList: out['qm-list'] ?? '',
      hostFw: out['pve/local/host.fw'] ?? '',
    });
    if (!discovery) return;
    const guestSteps = learned(false, discovery).steps.filter((s) => s.phase === 'guests');
    await Promise.all([
      runFileBatch(
        ctx,
        guestSteps.filter((s) => s.kind === 'file'),
      ),
      runPool(
        guestSteps.filter((s) => s.kind !== 'file'),
        Math.max(1, parallel - 1),
        (s) => runStep(ctx, s),
        () => stopped(ctx),
      ),
    ]);
  })();
  return { beforeProbes, done: Promise.all([beforeProbes, guests]).then(() => undefined) };
}

// The manifest lists steps in the plan's order, whatever order the pipeline finished them in. Sorted
// in place: the outcome holds this very array, and the final cleanup's result joins it afterwards.
function inPlanOrder(plan: Plan, results: StepResult[]): StepResult[] {
  const rank = new Map(plan.steps.map((s, i) => [s.id, i]));
  const at = (r: StepResult) => rank.get(r.id) ?? plan.steps.length;
  const sorted = results.map((r, i) => ({ r, i })).sort((a, b) => at(a.r) - at(b.r) || a.i - b.i);
  sorted.forEach(({ r }, i) => {
    results[i] = r;
  });
  return results;
}
