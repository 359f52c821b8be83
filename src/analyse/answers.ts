import type { CheckContext } from '../assess/context.js';
import { pveUnavailable } from '../assess/define.js';
import type { FlowEval } from '../assess/lib/flows.js';
import type { Answer } from '../schema/report.js';
import { describeDecision } from './describe.js';
import { capturePhrase, observedPhrase, serverName } from './observed.js';
import type { Evaluated } from './run-checks.js';

// Folded results (explainedBy) are counted where they were folded, never twice.
const failed = (ev: readonly Evaluated[], ...ids: string[]) =>
  ev.filter((e) => ids.includes(e.check.id) && e.result.outcome === 'fail' && !e.result.explainedBy);
const errored = (ev: readonly Evaluated[], ...ids: string[]) =>
  ev.filter((e) => ids.includes(e.check.id) && e.result.outcome === 'error');
const first = (ev: readonly Evaluated[]) => ev[0]?.result.detail ?? '';

// The three questions of the manual audit, each answered in one sentence from the check results.
export function buildAnswers(ctx: CheckContext, ev: readonly Evaluated[], flows: readonly FlowEval[]): Answer[] {
  return [rulesLoaded(ctx, ev), guestsAsIntended(ctx, ev), packetsDropped(ctx, flows)];
}

function rulesLoaded(ctx: CheckContext, ev: readonly Evaluated[]): Answer {
  const question = 'rules-loaded' as const;
  const noPve = pveUnavailable(ctx.facts);
  if (noPve)
    return {
      question,
      answer: 'unknown',
      because: `The firewall configuration and the live ruleset were not collected: ${noPve}.`,
    };
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
        ? 'cluster.fw has every intended rule'
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
    because: `${ctx.intent?.source === 'phoenix' ? 'As generated: ' : ''}${basis} and ${service}${caveat}.`,
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
  const noPve = pveUnavailable(ctx.facts);
  if (noPve)
    return {
      question,
      answer: 'unknown',
      because: `No guest configuration or .fw file was collected: ${noPve}.`,
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

const isDropped = (f: FlowEval) =>
  (f.sim !== null && f.sim.action !== 'ACCEPT') || f.outcome === 'blocked' || f.outcome === 'rejected';
const observedAtAll = (f: FlowEval) => Boolean(f.flow.observed?.probe || f.flow.observed?.capture);

function droppedBecause(ctx: CheckContext, f: FlowEval): string {
  const at =
    f.sim && f.sim.action !== 'ACCEPT'
      ? `at ${describeDecision(ctx, f.sim.decidedBy)}`
      : 'somewhere past the firewall (the simulation accepts it)';
  const seen = observedPhrase(ctx, f, ' and ');
  return `${f.input.name} is ${f.sim?.action === 'REJECT' ? 'rejected' : 'dropped'} ${at}${seen ? `; ${seen}` : ''}.`;
}

// How a probed flow that is not dropped got past the firewall, from what was seen.
function throughBecause(ctx: CheckContext, f: FlowEval): string {
  const probe = f.flow.observed?.probe;
  const cap = f.flow.observed?.capture;
  const server = serverName(ctx, f);
  const how =
    f.outcome === 'refused'
      ? `its packets arrive: ${server} answers the SYN with a TCP reset (nothing listens on port ${f.input.dport ?? '?'})`
      : probe?.phase === 'done'
        ? `it gets through: curl ${probe.verdict}`
        : probe?.phase === 'tls' || probe?.phase === 'http'
          ? `its packets arrive: ${cap?.verdict === 'connected' ? capturePhrase(ctx, f) : 'TCP connects'}, and curl fails later, in the ${probe.phase} phase (curl exit ${probe.exitCode ?? '?'})`
          : `the firewall accepts it${f.sim ? ` (${describeDecision(ctx, f.sim.decidedBy)})` : ''}`;
  return `${f.input.name} is not dropped: ${how}.`;
}

function packetsDropped(ctx: CheckContext, flows: readonly FlowEval[]): Answer {
  const question = 'packets-dropped' as const;
  const wanted = flows.filter((f) => f.input.expect === 'ACCEPT');
  // The question is about the traffic that was actually tried: probed flows decide when they ran.
  const probed = wanted.filter((f) => f.input.probe !== null && observedAtAll(f));
  const unprobedDropped = wanted.filter((f) => !probed.includes(f) && f.sim !== null && f.sim.action !== 'ACCEPT');
  if (probed.length > 0) {
    const dropped = probed.find(isDropped);
    if (dropped) return { question, answer: 'yes', because: droppedBecause(ctx, dropped) };
    const notProbed = unprobedDropped.flatMap((f) =>
      f.sim ? [`${f.input.name}, at ${describeDecision(ctx, f.sim.decidedBy)}`] : [],
    );
    const also = notProbed.length > 0 ? ` Not probed, but dropped in simulation: ${notProbed.join('; ')}.` : '';
    return { question, answer: 'no', because: `${probed.map((f) => throughBecause(ctx, f)).join(' ')}${also}` };
  }
  const dropped = wanted.find(isDropped);
  if (dropped) return { question, answer: 'yes', because: droppedBecause(ctx, dropped) };
  if (wanted.length === 0)
    return {
      question,
      answer: 'unknown',
      because: 'No probe or intended flow expects traffic to pass, so there was nothing to test.',
    };
  if (wanted.every((f) => f.sim?.action === 'ACCEPT'))
    return {
      question,
      answer: 'no',
      because: `All ${wanted.length} flow(s) meant to pass are accepted in simulation; no probe observed them.`,
    };
  const noPve = pveUnavailable(ctx.facts);
  const notRun = ctx.facts.probes.length > 0 ? ' and no probe result came back' : '';
  return {
    question,
    answer: 'unknown',
    because: noPve
      ? `No flow could be simulated, because the firewall configuration was not collected (${noPve})${notRun}.`
      : `Some flows could not be simulated (${wanted.find((f) => f.simError)?.simError ?? 'no simulation'})${notRun}, and none was observed being dropped.`,
  };
}
