import type { CheckContext } from '../assess/context.js';
import type { FlowEval } from '../assess/lib/flows.js';
import { guestLabel } from '../assess/lib/guests.js';
import { assessRootCause } from '../assess/root-cause.js';
import { rootCauseSummary } from '../phrase/report.js';
import type { RootCause } from '../schema/report.js';
import { observedPhrase } from './observed.js';

// The root cause as the report carries it: the typed one (assess/root-cause.ts) with its wording.
export function buildRootCause(ctx: CheckContext, flows: readonly FlowEval[]): RootCause | null {
  const rc = assessRootCause(ctx, flows);
  if (!rc) return null;
  const words = { guest: (vmid: number) => guestLabel(ctx, vmid) };
  const f = rc.flow;
  const name = `${f.input.name} (${f.flow.from.zone ?? f.flow.from.ip} -> ${f.flow.to.zone ?? f.flow.to.ip} ${f.input.proto}${f.input.dport ? `/${f.input.dport}` : ''})`;
  return {
    summary: rootCauseSummary(
      { flow: name, reason: rc.reason, decision: rc.decision, seen: observedPhrase(ctx, f) },
      words,
    ),
    layer: rc.layer,
    flow: f.input.id,
    decidedBy: rc.decidedBy,
    reason: rc.reason,
  };
}
