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
import type { SshSession } from './ssh.js';
import { type Kept, keepBatch, runBatch, runLanes, runStep, sendBatch } from './steps.js';

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
    // The capture gates the probes: its chain starts at once, in a round trip of its own (the sweep
    // of earlier runs' leftovers rides with the guest lists).
    const captureChain = input.audit.capture
      ? startCapture(
          ctx,
          planned.steps.filter((s) => s.phase === 'capture-start'),
          capture,
        )
      : Promise.resolve();
    const reads = readNode(
      ctx,
      facts,
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

// The reads, in few round trips. The first batch brings what the probes wait for: the hostname, the
// /etc/pve files and pveversion (a Proxmox tool that ran is sign enough that the node is one); the
// lists and pve-firewall's views come meanwhile in two lanes. `beforeProbes` settles with a
// provisional plan (the node's name and its backend; no guests yet) once the ruleset is read: not
// `pct list` or `qm list`, slow on a real node (Perl, a status query per guest), which the probes do
// not need: a probe names its guest itself, and one that is not running fails its own probe (the
// analysis says why, from the guest lists). `done` settles when every read is in, the guests' too,
// which start once both lists are.
function readNode(
  ctx: RunContext,
  facts: PlanStep[],
  parallel: number,
  provisional: (d: Discovery) => Plan,
  learned: (notProxmox: boolean, d: Discovery | null) => Plan,
): { beforeProbes: Promise<Plan | null>; done: Promise<void> } {
  const out: Record<string, string> = {};
  const keepOut = (s: PlanStep, k: Kept) => {
    out[s.id] = k.result.error || k.result.absent ? '' : k.stdout;
  };
  const byId = (id: string) => facts.filter((s) => s.id === id);
  const gating = [...byId('hostname'), ...facts.filter((s) => s.kind === 'file'), ...byId('pveversion')];
  // pct list and qm list first in their lanes: the guests' reads wait for them
  const rest = facts.filter((s) => !gating.includes(s)).sort((a, b) => Number(isList(b)) - Number(isList(a)));
  let node: string | null = null;
  const firstDone = runBatch(ctx, gating, {
    pvePathOf: (s) => (s.pvePath === 'local/host.fw' && node ? `nodes/${node}/host.fw` : undefined),
    onKept: (s, k) => {
      keepOut(s, k);
      if (s.id === 'hostname' && !k.result.error) node = nodeName(k.stdout);
    },
  });
  const restDone = runLanes(ctx, rest, Math.min(2, parallel), keepOut);
  // A Proxmox tool that ran (pveversion) is sign enough to go on; only `pct list` failing with 127
  // makes the node "not Proxmox", so without that sign the answer waits for pct list.
  const proxmoxKnown = firstDone.then(() =>
    ctx.results.find((r) => r.id === 'pveversion')?.exitCode === 0 ? undefined : restDone,
  );
  const pctListMissing = () => ctx.results.find((r) => r.id === 'pct-list')?.exitCode === 127;

  // The ruleset is read ahead, as if host.fw said iptables (Proxmox's default backend): kept once it
  // does, dropped unread for nftables (its own reads follow) or for a node that is not Proxmox.
  const ahead = provisional({ node: '', lxc: [], qemu: [], nftables: false }).steps.filter(
    (s) => s.phase === 'ruleset',
  );
  const aheadSent = sendBatch(ctx, ahead);

  const beforeProbes = (async (): Promise<Plan | null> => {
    await Promise.all([firstDone, proxmoxKnown]);
    if (!node || stopped(ctx) || pctListMissing()) return null;
    const early = provisional({
      node,
      lxc: [],
      qemu: [],
      nftables: hostUsesNftables(out['pve/local/host.fw'] ?? ''),
    });
    const ruleset = early.steps.filter((s) => s.phase === 'ruleset');
    const same = ruleset.length === ahead.length && ruleset.every((s, i) => s.command === ahead[i]?.command);
    if (same) await keepBatch(ctx, ruleset, await aheadSent);
    else await runBatch(ctx, ruleset);
    return early;
  })();

  const guests = (async () => {
    await Promise.all([firstDone, restDone]);
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
      runBatch(
        ctx,
        guestSteps.filter((s) => s.kind === 'file'),
      ),
      runLanes(
        ctx,
        guestSteps.filter((s) => s.kind !== 'file'),
        Math.max(1, parallel - 1),
      ),
    ]);
  })();
  return { beforeProbes, done: Promise.all([beforeProbes, guests, aheadSent]).then(() => undefined) };
}

const isList = (s: PlanStep) => s.id === 'pct-list' || s.id === 'qm-list';

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
