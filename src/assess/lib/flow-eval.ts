import { decidedAt, flowVerdictText, notSimulatedText } from '../../phrase/flow.js';
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
  if (noPve) simError = notSimulatedText({ kind: 'pve-missing', step: noPve });
  else if (input.to === null) simError = notSimulatedText({ kind: 'no-destination' });
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
    verdict: flowVerdictText({
      expect: input.expect,
      sim,
      notSimulated: simError,
      outcome,
      cmp: simVsObserved,
      syns: capture?.syn ?? 0,
      probe,
    }),
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

// "firewall/1001.fw line 4 (policy_in: DROP)": where the files decided.
export const where = (sim: SimResult): string => decidedAt(sim.decidedBy);
