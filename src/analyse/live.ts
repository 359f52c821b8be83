import type { CheckContext } from '../assess/context.js';
import type { FlowEval } from '../assess/lib/flows.js';
import { liveDrift, liveFor, liveKernel } from '../assess/lib/live.js';
import { counterRise } from '../kernel/counters.js';
import type { Answer, Drift, RootCause } from '../schema/report.js';
import type { Evaluated } from './run-checks.js';

// The kernel's side of the report: flows[].live and flows[].kernel, drift[], and where the kernel
// overrules the files' story (the root cause and "rules loaded"). The live verdict decides what
// happens now; the files decide what happens after the next apply.

export function addLive(ctx: CheckContext, flows: readonly FlowEval[]): void {
  const k = liveKernel(ctx.facts);
  for (const f of flows) {
    const { walk, verdict } = liveFor(ctx, f.flow);
    f.flow.live = verdict;
    const probed = f.input.probe !== null;
    if (!probed || !walk || !k?.v4 || !k.v4After) {
      f.flow.kernel = probed && k ? null : f.flow.kernel;
      continue;
    }
    const sent = f.flow.observed?.capture ? f.flow.observed.capture.syn : null;
    f.flow.kernel = counterRise(k.v4, k.v4After, walk.matched, sent && sent > 0 ? sent : null);
  }
}

export function driftOf(ctx: CheckContext): Drift[] | undefined {
  const d = liveDrift(ctx);
  if (!d) return undefined;
  return d.items.map((i) => ({
    chain: i.chain,
    kind: i.kind,
    text: i.text,
    reason: {
      code: i.code,
      chain: i.chain,
      rule: i.rule,
      ...(i.expected !== null ? { expected: i.expected } : {}),
      ...(i.nft ? { handle: i.nft.handle } : {}),
    },
  }));
}

const accepts = (a: string | undefined) => a === 'ACCEPT';

// When the files and the kernel disagree about the failing flow, the kernel is what dropped it.
export function kernelRootCause(ctx: CheckContext, flows: readonly FlowEval[], rc: RootCause | null): RootCause | null {
  if (!rc?.flow) return rc;
  const f = flows.find((x) => x.input.id === rc.flow);
  const live = f?.flow.live;
  if (!f?.sim || !live || live.action === 'unknown') return rc;
  if (accepts(f.sim.action) === accepts(live.action) || accepts(live.action)) return rc;
  const drift = liveDrift(ctx);
  const own = drift?.items.find((d) => d.chain === live.chain && d.rule !== null && d.rule === live.rule);
  const pending = drift?.items.find((d) => d.chain === live.chain && d.kind === 'missing');
  const why = own
    ? own.code === 'hand-added'
      ? 'a rule added by hand, which the configuration does not contain and pve-firewall does not remove'
      : 'a rule of an older configuration that is still loaded'
    : pending
      ? `the loaded chain, which lacks the configuration's "${pending.text}" (the change was never applied)`
      : live.reason.code === 'arp-filtered'
        ? "the layer-2 ARP filter (ebtables) pve-firewall builds from the NIC's ipfilter set: without ARP no packet of the flow is ever sent"
        : live.reason.code === 'mac-filtered' && live.chain?.startsWith('ebtables ')
          ? 'the layer-2 MAC filter (ebtables), which names a MAC the guest does not send from'
          : 'the live ruleset, which differs from what the configuration compiles to';
  const at = live.rule !== null ? `${live.chain} rule ${live.rule} (${live.text})` : `the ${live.chain} policy`;
  const name = f.input.name;
  return {
    summary: `${name} is ${live.action === 'REJECT' ? 'rejected' : 'dropped'} by the kernel at ${at}: ${why}. The files would accept it (${f.sim.decidedBy.file ? `${f.sim.decidedBy.file} line ${f.sim.decidedBy.line}` : f.sim.decidedBy.text}), but what filters packets now is the loaded ruleset.`,
    layer: 'firewall',
    flow: f.input.id,
    decidedBy: { kind: 'rule', file: null, line: null, text: live.text ?? `${live.chain} policy` },
    reason: {
      code: 'live-differs',
      flow: f.input.id,
      config: f.sim.action,
      live: live.action,
      chain: live.chain,
      rule: live.rule,
      ...(own ? { drift: own.code } : pending ? { drift: 'live-rule-missing' } : {}),
    },
  };
}

// "Rules loaded" follows from drift and pending changes, not only from the status line; where the
// kernel dropped what the files accept, "packets dropped" names the kernel rule.
export function kernelAnswers(answers: Answer[], drift: Drift[] | undefined, rc: RootCause | null): Answer[] {
  const kernelDropped = rc?.reason?.code === 'live-differs' ? rc : null;
  const out = kernelDropped
    ? answers.map((a) =>
        a.question === 'packets-dropped' ? { ...a, answer: 'yes' as const, because: kernelDropped.summary } : a,
      )
    : answers;
  if (!drift || drift.length === 0) return out;
  return out.map((a) => {
    if (a.question !== 'rules-loaded' || a.answer !== 'yes') return a;
    const first = drift[0] as Drift;
    const handAdded = drift.filter((d) => d.reason.code === 'hand-added').length;
    const what =
      handAdded === drift.length
        ? `${handAdded} rule${handAdded > 1 ? 's' : ''} added by hand`
        : `${drift.length} difference${drift.length > 1 ? 's' : ''} from what the configuration compiles to`;
    return {
      ...a,
      answer: 'no',
      because: `The kernel does not hold the configuration's ruleset: ${what} (first: ${first.chain}, ${first.kind}: ${first.text}).`,
    };
  });
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
