import type { DriftItem } from '../../kernel/drift.js';
import type { Action } from '../../schema/common.js';
import { type Reason, reason } from '../../schema/reason.js';
import type { DecidedBy, LiveVerdict } from '../../schema/report.js';
import type { CheckContext } from '../context.js';
import type { FlowEval } from './flows.js';
import { liveDrift } from './live.js';

// The verdict every judgement of a flow starts from, and the one place the kernel overrules the
// files: the files' simulation decides, unless the kernel's live ruleset was walked
// (flows[].live) and disagrees; then what the node actually does wins. When the kernel blocks
// what the files accept, the reason is `live-differs`, naming the drift that explains it.
export interface Effective {
  action: Action | null; // null: neither the files nor the kernel could tell
  reason: Reason | null;
  decidedBy: DecidedBy | null;
  live: boolean; // the kernel's verdict, not the files'
}

export function effectiveVerdict(ctx: CheckContext, f: FlowEval): Effective {
  const live = f.flow.live;
  if (live && live.action !== 'unknown' && live.action !== f.sim?.action)
    return {
      action: live.action,
      reason: f.sim?.action === 'ACCEPT' ? liveDiffers(ctx, f.input.id, f.sim.action, live) : live.reason,
      decidedBy: {
        kind: live.rule === null ? 'policy' : 'rule',
        file: null,
        line: null,
        text: live.text ?? `${live.chain ?? 'live ruleset'} policy`,
      },
      live: true,
    };
  if (!f.sim)
    return {
      action: null,
      reason: reason('not-simulated', { error: f.simError ?? 'no simulation' }),
      decidedBy: null,
      live: false,
    };
  return { action: f.sim.action, reason: f.sim.reason, decidedBy: f.sim.decidedBy, live: false };
}

// Which drift explains a live verdict: the deciding rule itself was added by hand or is left from
// an older configuration (own), or its chain lacks a rule the files produce (pending).
export function driftBehind(
  ctx: CheckContext,
  live: LiveVerdict,
): { own: DriftItem | null; pending: DriftItem | null } {
  const items = liveDrift(ctx)?.items ?? [];
  return {
    own: items.find((d) => d.chain === live.chain && d.rule !== null && d.rule === live.rule) ?? null,
    pending: items.find((d) => d.chain === live.chain && d.kind === 'missing') ?? null,
  };
}

// The files and the kernel decide a flow differently: the kernel decides now.
export function liveDiffers(ctx: CheckContext, flow: string, config: Action | null, live: LiveVerdict): Reason {
  const { own, pending } = driftBehind(ctx, live);
  return reason('live-differs', {
    flow,
    config,
    live: live.action,
    chain: live.chain,
    rule: live.rule,
    drift: own ? own.code : pending ? 'live-rule-missing' : undefined,
    // a layer-2 filter (ebtables, or the nft macfilter) decided: what the files' packet model leaves out
    filter: live.reason.code === 'arp-filtered' || live.reason.code === 'mac-filtered' ? live.reason.code : undefined,
  });
}

// Why a flow that is not accepted is not: the kernel's reason, else the rule meant to allow it and
// what spoiled it (firewall/explain.ts), else what decided it.
export function blockReason(f: FlowEval, e: Effective): Reason | null {
  if (e.action === null || e.action === 'ACCEPT') return null;
  // "no rule would allow it" says less than the policy that dropped it, with its file and line.
  return e.live || !f.miss || f.miss.code === 'no-rule' ? e.reason : f.miss;
}
