import type { CheckContext } from '../assess/context.js';
import type { FlowEval } from '../assess/lib/flows.js';
import { driftReason, liveDrift, liveFor, liveKernel } from '../assess/lib/live.js';
import { counterRise } from '../kernel/counters.js';
import type { Drift } from '../schema/report.js';
import type { Evaluated } from './run-checks.js';

// The kernel's side of the report: flows[].live and flows[].kernel, and drift[]. Where the kernel
// overrules the files is decided once, in assess/lib/verdict.ts (effectiveVerdict), which the root
// cause and the answers both read.

export function addLive(ctx: CheckContext, flows: readonly FlowEval[]): void {
  const k = liveKernel(ctx.facts);
  for (const f of flows) {
    const { walk, verdict } = liveFor(ctx, f.flow);
    f.flow.live = verdict;
    const probed = f.input.probe !== null;
    // counters are read before and after the probes for iptables only (not ip6tables)
    if (!probed || !walk || walk.family !== 4 || !k?.v4 || !k.v4After) {
      f.flow.kernel = probed && k ? null : f.flow.kernel;
      continue;
    }
    const sent = f.flow.observed?.capture ? f.flow.observed.capture.syn : null;
    f.flow.kernel = counterRise(k.v4After, walk.matched, sent && sent > 0 ? sent : null);
  }
}

export function driftOf(ctx: CheckContext): Drift[] | undefined {
  const d = liveDrift(ctx);
  if (!d) return undefined;
  return d.items.map((i) => ({
    chain: i.chain,
    kind: i.kind,
    text: i.text,
    reason: driftReason(i),
  }));
}

// A flow the kernel decides against the files is reported once, by kernel_flow_live_differs: the
// "look past the firewall" reading of the same symptom, and the drift item that is its cause (same
// rule, same fix), fold into it.
export function foldIntoKernel(evaluated: readonly Evaluated[]): Evaluated[] {
  const live = evaluated.filter((e) => e.check.id === 'kernel_flow_live_differs' && e.result.outcome === 'fail');
  if (live.length === 0) return [...evaluated];
  const SYMPTOMS = ['flow_observation_disagrees', 'flow_probe_fails_past_firewall'];
  return evaluated.map((e) => {
    if (e.result.outcome !== 'fail' || e.result.explainedBy) return e;
    const by = SYMPTOMS.includes(e.check.id)
      ? live.find((l) => l.result.subject === e.result.subject)
      : e.check.id === 'kernel_ruleset_drift'
        ? live.find((l) => l.result.rule !== undefined && l.result.rule === e.result.rule)
        : undefined;
    if (!by) return e;
    const explainedBy = {
      checkId: by.check.id,
      subject: by.result.subject,
      ...(by.result.rule ? { rule: by.result.rule } : {}),
    };
    return { ...e, result: { ...e.result, explainedBy } };
  });
}
