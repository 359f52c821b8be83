import type { Action } from '../../schema/common.js';
import { type Reason, reason } from '../../schema/reason.js';
import type { DecidedBy } from '../../schema/report.js';
import type { FlowEval } from './flows.js';

// The verdict every judgement of a flow starts from. The files' simulation decides, unless the
// kernel's live ruleset was walked (flows[].live) and disagrees: then what the node actually
// does wins, with the kernel's reason.
export interface Effective {
  action: Action | null; // null: neither the files nor the kernel could tell
  reason: Reason | null;
  decidedBy: DecidedBy | null;
  live: boolean; // the kernel's verdict, not the files'
}

export function effectiveVerdict(f: FlowEval): Effective {
  const live = f.flow.live;
  if (live && live.action !== 'unknown' && live.action !== f.sim?.action)
    return {
      action: live.action,
      reason: live.reason,
      decidedBy: {
        kind: live.rule === null ? 'policy' : 'rule',
        file: null,
        line: null,
        text: `${live.chain ?? 'live ruleset'}${live.rule !== null ? ` rule ${live.rule}` : ''}${live.text ? `: ${live.text}` : ''}`,
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

// Why a flow that is not accepted is not: the kernel's reason, else the rule meant to allow it and
// what spoiled it (firewall/explain.ts), else what decided it.
export function blockReason(f: FlowEval, e: Effective = effectiveVerdict(f)): Reason | null {
  if (e.action === null || e.action === 'ACCEPT') return null;
  // "no rule would allow it" says less than the policy that dropped it, with its file and line.
  return e.live || !f.miss || f.miss.code === 'no-rule' ? e.reason : f.miss;
}
