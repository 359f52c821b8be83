import { type Reason, reason } from '../schema/reason.js';
import type { Answer } from '../schema/report.js';
import { checkReason } from './check-reason.js';
import type { CheckContext } from './context.js';
import { type Check, type CheckResult, pveGap, pveGapReason } from './define.js';
import type { FlowEval } from './lib/flows.js';
import { guestLabel, guestZone } from './lib/guests.js';
import { driftReason, liveDrift } from './lib/live.js';
import { probeReason, SENT_NOTHING } from './lib/probe-reason.js';
import { effectiveVerdict } from './lib/verdict.js';

// The three questions of the manual audit, answered from the same typed state as the verdicts:
// check results, each guest's three switches, and each flow's effective verdict. Data only; the
// wording is src/phrase's.

export interface Evaluated {
  check: Check;
  result: CheckResult;
}

export interface AnswerData {
  question: Answer['question'];
  answer: Answer['answer'];
  reason: Reason;
  flow: string | null; // the flow the reason is about, if any
  flowId: string | null;
  more: number; // further problems of the same kind
  also: Array<{ flow: string; reason: Reason }>; // per-flow reasons that support a "no"
}

const failed = (ev: readonly Evaluated[], ...ids: string[]) =>
  ev.filter((e) => ids.includes(e.check.id) && e.result.outcome === 'fail' && !e.result.explainedBy);
const errored = (ev: readonly Evaluated[], ...ids: string[]) =>
  ev.filter((e) => ids.includes(e.check.id) && e.result.outcome === 'error');
const answer = (
  question: AnswerData['question'],
  a: AnswerData['answer'],
  r: Reason,
  extra: Partial<AnswerData> = {},
): AnswerData => ({ question, answer: a, reason: r, flow: null, flowId: null, more: 0, also: [], ...extra });

export function assessAnswers(ctx: CheckContext, ev: readonly Evaluated[], flows: readonly FlowEval[]): AnswerData[] {
  return [rulesLoaded(ctx, ev), guestsAsIntended(ctx, ev, flows), packetsDropped(ctx, flows)];
}

function rulesLoaded(ctx: CheckContext, ev: readonly Evaluated[]): AnswerData {
  const q = 'rules-loaded' as const;
  const noPve = pveGap(ctx.facts);
  if (noPve) return answer(q, 'unknown', pveGapReason(noPve));
  const blocking = failed(
    ev,
    'cluster_firewall_disabled',
    'service_firewall_not_running',
    'service_changes_pending',
    'rules_parse_error_nftables',
    'ruleset_guest_chains_missing',
    'rules_skipped_by_proxmox',
    'options_line_ignored',
  );
  const clusterDrift = failed(ev, 'rules_intended_missing', 'rules_intended_disabled', 'rules_live_unexpected').filter(
    (e) => e.result.subject === 'firewall/cluster.fw',
  );
  const bad = [...blocking, ...clusterDrift];
  const first = bad[0];
  if (first) return answer(q, 'no', checkReason(first.check, first.result), { more: bad.length - 1 });
  const unknown = errored(ev, 'service_firewall_not_running', 'ruleset_guest_chains_missing');
  if (unknown.length === 2)
    return answer(
      q,
      'unknown',
      reason('not-collected', { step: unknown.map((u) => u.result.missingStep ?? '').join('; ') }),
    );
  // The kernel does not hold what the configuration compiles to: the rules are not (all) loaded.
  const drift = liveDrift(ctx)?.items ?? [];
  const firstDrift = drift[0];
  if (firstDrift) return answer(q, 'no', driftReason(firstDrift), { more: drift.length - 1 });
  const misplaced = failed(ev, 'rules_guest_traffic_in_cluster');
  const params = {
    service: ctx.facts.status ? 'running' : 'chains-present',
    misplaced: misplaced.length,
    guests: [...new Set(misplaced.map((m) => m.result.subject))],
  };
  const code =
    ctx.intent?.source === 'phoenix'
      ? 'as-generated'
      : ctx.intent?.intent.cluster?.rules
        ? 'as-intended'
        : 'compiles-clean';
  return answer(q, 'yes', reason(code, { what: 'rules', ...params }));
}

// Guests meant to be firewalled: the intent says so, or an intended flow expects one to block.
function meantFirewalled(ctx: CheckContext, flows: readonly FlowEval[]): number[] {
  const out = new Set<number>();
  for (const g of ctx.intent?.intent.guests ?? []) if (g.firewall?.enable) out.add(g.vmid);
  for (const f of flows) {
    if (f.input.source === 'probe' || f.input.expect === 'ACCEPT' || f.input.expect === null) continue;
    const m = /^(?:vm|ct)(\d+)/.exec(f.flow.to.zone ?? '');
    if (m) out.add(Number(m[1]));
  }
  return [...out].sort((a, b) => a - b);
}

const SWITCH: Record<string, Reason['code']> = {
  'cluster-disabled': 'cluster-disabled',
  'no-fw-file': 'guest-no-fwfile',
  'guest-disabled': 'guest-disabled',
  'nic-firewall-off': 'nic-unfiltered',
  'not-on-node': 'guest-elsewhere',
};

function guestsAsIntended(ctx: CheckContext, ev: readonly Evaluated[], flows: readonly FlowEval[]): AnswerData {
  const q = 'guest-firewalls-as-intended' as const;
  // Not having looked at the node says more than not having an intent to compare with.
  const noPve = pveGap(ctx.facts);
  if (noPve) return answer(q, 'unknown', pveGapReason(noPve));
  if (!ctx.intent) return answer(q, 'unknown', reason('no-intent'));
  const ids = ['guest_firewall_disabled', 'guest_nic_firewall_off', 'guest_fwfile_missing', 'guest_node_elsewhere'];
  const bad = [
    ...failed(ev, ...ids),
    ...failed(ev, 'policy_value_mismatch').filter(
      (e) => e.result.subject !== 'cluster' && !e.result.subject.startsWith('cluster/'),
    ),
  ];
  const first = bad[0];
  if (first) return answer(q, 'no', checkReason(first.check, first.result), { more: bad.length - 1 });
  // The three switches themselves: a guest meant to be firewalled whose firewall is off anywhere.
  const off = meantFirewalled(ctx, flows)
    .map((vmid) => ({ vmid, state: ctx.guestState(vmid) }))
    .filter((g) => g.state.brokenLink !== null);
  const firstOff = off[0];
  if (firstOff) {
    const nic = Object.entries(firstOff.state.nics).find(([, on]) => !on)?.[0];
    const code = SWITCH[firstOff.state.brokenLink as string] ?? 'guest-disabled';
    return answer(
      q,
      'no',
      reason(code, {
        vmid: firstOff.vmid,
        guest: guestLabel(ctx, firstOff.vmid),
        zone: guestZone(ctx, firstOff.vmid),
        file: code === 'cluster-disabled' ? 'firewall/cluster.fw' : `firewall/${firstOff.vmid}.fw`,
        nic: code === 'nic-unfiltered' ? (nic ?? null) : undefined,
      }),
      { more: off.length - 1 },
    );
  }
  const unknown = errored(ev, ...ids)[0];
  if (unknown) return answer(q, 'unknown', checkReason(unknown.check, unknown.result));
  const meant = (ctx.intent.intent.guests ?? []).filter((g) => g.firewall?.enable);
  return answer(q, 'yes', reason('as-intended', { what: 'guests', count: meant.length }));
}

const observedAtAll = (f: FlowEval) => Boolean(f.flow.observed?.probe || f.flow.observed?.capture);

function packetsDropped(ctx: CheckContext, flows: readonly FlowEval[]): AnswerData {
  const q = 'packets-dropped' as const;
  const noPve = pveGap(ctx.facts);
  if (noPve) return answer(q, 'unknown', pveGapReason(noPve));
  const wanted = flows.filter((f) => f.input.expect === 'ACCEPT');
  const blocked = (f: FlowEval) => {
    const e = effectiveVerdict(ctx, f);
    return e.action !== null && e.action !== 'ACCEPT';
  };
  const probed = wanted.filter((f) => f.input.probe !== null && (observedAtAll(f) || f.input.probe.result === null));
  if (probed.length > 0) {
    const tried = probed.map((f) => ({ f, r: probeReason(ctx, f) }));
    // A probe that sent nothing cannot show a drop: "yes" needs a packet on the wire.
    const sent = tried.filter((t) => !SENT_NOTHING.has(t.r?.code ?? ''));
    const dropped = sent.find(
      (t) => blocked(t.f) || t.f.outcome === 'blocked' || t.f.outcome === 'rejected' || t.f.outcome === 'not-seen',
    );
    if (dropped) {
      // The question is where packets die: the decision, not the rule that should have been there.
      const e = effectiveVerdict(ctx, dropped.f);
      const r = (blocked(dropped.f) ? e.reason : null) ?? dropped.r ?? reason('connect-failed', {});
      return answer(q, 'yes', r, { flow: dropped.f.input.name, flowId: dropped.f.input.id });
    }
    if (sent.length === 0) {
      const names = tried.map((t) => t.f.input.name);
      return answer(q, 'unknown', reason('nothing-sent', { flow: names }), {
        also: tried.flatMap((t) => (t.r ? [{ flow: t.f.input.name, reason: t.r }] : [])),
      });
    }
    return answer(q, 'no', reason('flows-pass', { flows: sent.map((t) => t.f.input.name) }), {
      also: sent.flatMap((t) => (t.r ? [{ flow: t.f.input.name, reason: t.r }] : [])),
    });
  }
  const dropped = wanted.find(blocked);
  if (dropped)
    return answer(q, 'yes', effectiveVerdict(ctx, dropped).reason ?? reason('not-simulated', {}), {
      flow: dropped.input.name,
      flowId: dropped.input.id,
    });
  if (wanted.length === 0) return answer(q, 'unknown', reason('nothing-to-test'));
  if (wanted.every((f) => effectiveVerdict(ctx, f).action === 'ACCEPT'))
    return answer(q, 'no', reason('flows-accepted', { count: wanted.length }));
  return answer(
    q,
    'unknown',
    reason('not-simulated', { error: wanted.find((f) => f.simError)?.simError ?? 'no simulation' }),
  );
}
