import type { Action } from '../../schema/common.js';
import type { SimFlow, SimResult } from '../../schema/pve.js';
import type { Reason } from '../../schema/reason.js';
import type { Flow } from '../../schema/report.js';
import type { CheckContext } from '../context.js';
import { pveUnavailable } from '../define.js';
import type { FlowEval, FlowInput } from './flows.js';
import { ipToZone, zoneToIp } from './guests.js';
import { captureFor, observedOutcome, probeObservation } from './observe.js';

// One flow simulated like Proxmox and set against the capture and the probe.

const ZONE = /^(host|outside|nfvm|(vm|ct)\d+(i\d)?|[a-zA-Z][a-zA-Z0-9]{0,9}\/\S+)$/;

export function evaluateFlow(ctx: CheckContext, input: FlowInput): FlowEval {
  const endpoint = (v: string | null) => {
    if (v === null) return { zone: null, ip: null };
    if (ZONE.test(v)) return { zone: v, ip: zoneToIp(ctx, v) };
    return { zone: ipToZone(ctx, v), ip: v };
  };
  const from = endpoint(input.from);
  const to = endpoint(input.to);
  let sim: SimResult | null = null;
  let miss: Reason | null = null;
  let simError: string | null = null;
  const noPve = pveUnavailable(ctx.facts);
  if (noPve) simError = `the Proxmox configuration was not collected: ${noPve}`;
  else if (input.to === null) simError = 'the destination address is unknown (the probe did not resolve it)';
  else {
    const flow: SimFlow = {
      from: from.zone ?? 'outside',
      to: to.zone ?? 'outside',
      proto: input.proto,
      ...(input.dport !== null ? { dport: input.dport } : {}),
      ...(from.ip ? { source: from.ip } : {}),
      ...(to.ip ? { dest: to.ip } : {}),
    };
    const r = ctx.simulate(flow);
    if ('error' in r) simError = r.error;
    else {
      sim = r;
      miss = ctx.explainMiss(flow, r);
    }
  }
  const capture = captureFor(ctx.facts, {
    fromIp: from.ip,
    toIp: to.ip,
    proto: input.proto,
    dport: input.dport,
    attempted: input.probe !== null,
  });
  const probe = input.probe?.result ? probeObservation(input.probe.result) : null;
  const outcome = observedOutcome(capture, probe);
  const simVsObserved = compare(sim?.action ?? null, outcome);
  const expected = input.expect === null ? null : input.expect === 'ACCEPT' ? 'ACCEPT' : 'DROP';
  const intentVsSim =
    expected === null || sim === null
      ? 'unknown'
      : (expected === 'ACCEPT') === (sim.action === 'ACCEPT')
        ? 'agree'
        : 'disagree';
  const agreement =
    simVsObserved === 'disagree'
      ? 'disagree'
      : intentVsSim === 'disagree'
        ? 'partial'
        : simVsObserved === 'agree' || intentVsSim === 'agree'
          ? 'agree'
          : 'partial';
  const flow: Flow = {
    id: input.id,
    name: input.name,
    from,
    to,
    proto: input.proto,
    dport: input.dport,
    expected,
    simulated: sim
      ? { action: sim.action, decidedBy: sim.decidedBy, trace: sim.trace, reason: sim.reason, miss }
      : null,
    observed: capture || probe ? { capture, probe } : null,
    verdict: verdictText(input, sim, simError, outcome, simVsObserved, capture?.syn ?? 0, probe?.verdict ?? null),
    source: input.source,
    agreement,
  };
  return { input, flow, sim, miss, simError, outcome, simVsObserved };
}

function compare(action: Action | null, outcome: FlowEval['outcome']): FlowEval['simVsObserved'] {
  if (action === null || outcome === null || outcome === 'not-seen') return 'unknown';
  if (action === 'ACCEPT') return outcome === 'through' || outcome === 'refused' ? 'agree' : 'disagree';
  if (action === 'DROP') return outcome === 'blocked' ? 'agree' : outcome === 'rejected' ? 'unknown' : 'disagree';
  return outcome === 'refused' || outcome === 'rejected' ? 'agree' : outcome === 'through' ? 'disagree' : 'unknown';
}

export const where = (sim: SimResult): string =>
  sim.decidedBy.file
    ? `${sim.decidedBy.file}${sim.decidedBy.line ? ` line ${sim.decidedBy.line}` : ''} (${sim.decidedBy.text})`
    : sim.decidedBy.text;

function verdictText(
  input: FlowInput,
  sim: SimResult | null,
  simError: string | null,
  outcome: FlowEval['outcome'],
  cmp: FlowEval['simVsObserved'],
  syns: number,
  probe: string | null,
): string {
  const parts: string[] = [];
  if (sim) {
    const exp = input.expect ? `intended ${input.expect}, ` : '';
    const mismatch =
      input.expect && (input.expect === 'ACCEPT') !== (sim.action === 'ACCEPT') ? ' (not as intended)' : '';
    parts.push(`${exp}simulated ${sim.action} at ${where(sim)}${mismatch}`);
  } else parts.push(`could not simulate: ${simError ?? 'no simulation'}`);
  const words: Record<NonNullable<FlowEval['outcome']>, string> = {
    through: 'observed: TCP connected',
    refused: sim?.action === 'REJECT' ? "observed: reset (the firewall's REJECT)" : 'observed: reset by the server',
    blocked: 'observed: no reply',
    rejected: 'observed: ICMP unreachable',
    'not-seen': 'not seen in the capture',
  };
  const seen = [
    outcome === 'blocked' && syns > 0
      ? `${syns} SYN${syns > 1 ? 's' : ''} unanswered`
      : outcome
        ? words[outcome]
        : null,
    probe ? `curl ${probe}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  if (seen) parts.push(seen);
  const intended = !input.expect || !sim || (input.expect === 'ACCEPT') === (sim.action === 'ACCEPT');
  const pastFirewall =
    sim?.action === 'ACCEPT' &&
    (outcome === 'refused' || (probe !== null && /in the (tls|http|dns) phase/.test(probe)));
  if (cmp === 'agree')
    parts.push(
      !intended
        ? 'simulation and observation agree: the configuration does not do what was intended'
        : pastFirewall
          ? 'config, simulation and observation agree: the firewall lets it through, and it fails past the firewall'
          : 'config, simulation and observation agree',
    );
  else if (cmp === 'disagree' && sim?.action === 'ACCEPT')
    parts.push(
      outcome === 'rejected'
        ? 'the config allows it, yet something rejects it: look past the firewall'
        : 'the config allows it, yet SYNs go unanswered: look past the firewall',
    );
  else if (cmp === 'disagree')
    parts.push(
      `the config ${sim?.action === 'DROP' ? 'drops' : 'rejects'} it, yet a reply was captured: the rules are not applied`,
    );
  return parts.join('; ');
}
