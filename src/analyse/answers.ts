import type { CheckContext } from '../checks/context.js';
import type { FlowEval } from '../checks/lib/flows.js';
import type { Answer } from '../schema/report.js';
import { describeDecision } from './describe.js';
import type { Evaluated } from './run-checks.js';

const failed = (ev: readonly Evaluated[], ...ids: string[]) =>
  ev.filter((e) => ids.includes(e.check.id) && e.result.outcome === 'fail');
const errored = (ev: readonly Evaluated[], ...ids: string[]) =>
  ev.filter((e) => ids.includes(e.check.id) && e.result.outcome === 'error');
const first = (ev: readonly Evaluated[]) => ev[0]?.result.detail ?? '';

// The three questions of the manual audit, each answered in one sentence from the check results.
export function buildAnswers(ctx: CheckContext, ev: readonly Evaluated[], flows: readonly FlowEval[]): Answer[] {
  return [rulesLoaded(ctx, ev), guestsAsIntended(ctx, ev), packetsDropped(ctx, flows)];
}

function rulesLoaded(ctx: CheckContext, ev: readonly Evaluated[]): Answer {
  const question = 'rules-loaded' as const;
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
  const clusterDrift = [
    ...failed(ev, 'rules_intended_missing', 'rules_intended_disabled', 'rules_live_unexpected'),
  ].filter((e) => e.result.subject === 'firewall/cluster.fw');
  if (blocking.length + clusterDrift.length > 0)
    return { question, answer: 'no', because: first([...blocking, ...clusterDrift]) };
  const unknown = errored(ev, 'service_firewall_not_running', 'ruleset_guest_chains_missing');
  if (unknown.length === 2)
    return {
      question,
      answer: 'unknown',
      because: `Neither the service state nor the live ruleset could be read (${unknown.map((u) => u.result.missingStep).join('; ')}).`,
    };
  const misplaced = failed(ev, 'rules_guest_traffic_in_cluster');
  const basis =
    ctx.intent?.source === 'phoenix'
      ? 'cluster.fw is exactly what the Phoenix generator writes'
      : ctx.intent?.intent.cluster?.rules
        ? 'cluster.fw matches the intent'
        : 'the firewall files compile without skipped lines';
  const service = ctx.facts.status
    ? 'pve-firewall is running with no pending changes'
    : 'the live ruleset has every guest chain the configuration implies';
  const guests = [...new Set(misplaced.map((m) => m.result.subject))];
  const caveat =
    misplaced.length > 0
      ? `, but ${misplaced.length} of its rules are meant for guests (${guests.join(', ')}) and cannot govern guest traffic from cluster.fw`
      : '';
  return {
    question,
    answer: 'yes',
    because: `${ctx.intent?.source === 'phoenix' ? 'Yes, as generated: ' : ''}${basis} and ${service}${caveat}.`,
  };
}

function guestsAsIntended(ctx: CheckContext, ev: readonly Evaluated[]): Answer {
  const question = 'guest-firewalls-as-intended' as const;
  if (!ctx.intent)
    return {
      question,
      answer: 'unknown',
      because: 'No intent was given, so there is nothing to compare the guest firewalls with.',
    };
  const ids = ['guest_firewall_disabled', 'guest_nic_firewall_off', 'guest_fwfile_missing', 'guest_node_elsewhere'];
  const bad = [
    ...failed(ev, ...ids),
    ...failed(ev, 'policy_value_mismatch').filter(
      (e) => e.result.subject !== 'cluster' && !e.result.subject.startsWith('cluster/'),
    ),
  ];
  if (bad.length > 0)
    return {
      question,
      answer: 'no',
      because: `${first(bad)}${bad.length > 1 ? ` (${bad.length - 1} more such finding${bad.length > 2 ? 's' : ''})` : ''}`,
    };
  const unknown = errored(ev, ...ids);
  if (unknown.length > 0) return { question, answer: 'unknown', because: first(unknown) };
  const meant = (ctx.intent.intent.guests ?? []).filter((g) => g.firewall?.enable);
  return {
    question,
    answer: 'yes',
    because: `All ${meant.length} guest(s) meant to be firewalled have a .fw file with enable: 1, firewall=1 on their NICs and the intended policies.`,
  };
}

function packetsDropped(ctx: CheckContext, flows: readonly FlowEval[]): Answer {
  const question = 'packets-dropped' as const;
  const wanted = flows.filter((f) => f.input.expect === 'ACCEPT');
  const isDropped = (f: FlowEval) =>
    (f.sim !== null && f.sim.action !== 'ACCEPT') || f.outcome === 'blocked' || f.outcome === 'rejected';
  // Probed flows first: the question is about the traffic that was actually tried.
  const dropped = wanted.find((f) => f.input.probe !== null && isDropped(f)) ?? wanted.find(isDropped);
  if (dropped) {
    const at =
      dropped.sim && dropped.sim.action !== 'ACCEPT'
        ? `at ${describeDecision(ctx, dropped.sim.decidedBy)}`
        : 'somewhere past the firewall (the simulation accepts it)';
    const cap = dropped.flow.observed?.capture;
    const seen =
      cap && cap.verdict === 'unanswered'
        ? `; the capture shows ${cap.syn} SYN${cap.syn === 1 ? '' : 's'} with no reply`
        : '';
    const probe = dropped.flow.observed?.probe;
    const curl = probe && probe.phase !== 'done' ? `${seen ? ' and' : ';'} curl ${probe.verdict}` : '';
    return {
      question,
      answer: 'yes',
      because: `${dropped.input.name} is ${dropped.sim?.action === 'REJECT' ? 'rejected' : 'dropped'} ${at}${seen}${curl}.`,
    };
  }
  if (wanted.length === 0)
    return {
      question,
      answer: 'unknown',
      because: 'No probe or intended flow expects traffic to pass, so there was nothing to test.',
    };
  if (wanted.every((f) => f.sim?.action === 'ACCEPT')) {
    const observed = wanted.filter((f) => f.outcome === 'through' || f.outcome === 'refused').length;
    return {
      question,
      answer: 'no',
      because: `All ${wanted.length} flow(s) meant to pass are accepted in simulation${observed ? ` and ${observed} were seen getting through` : ''}.`,
    };
  }
  return {
    question,
    answer: 'unknown',
    because: 'Some flows could not be simulated and none was observed being dropped.',
  };
}
