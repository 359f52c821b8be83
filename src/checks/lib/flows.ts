import type { Action } from '../../schema/common.js';
import type { Facts } from '../../schema/facts.js';
import type { SimFlow, SimResult } from '../../schema/pve.js';
import type { Flow } from '../../schema/report.js';
import type { CheckContext } from '../context.js';
import { pveUnavailable } from '../define.js';
import { ipToZone, zoneToIp } from './guests.js';
import { captureFor, observedOutcome, probeObservation } from './observe.js';

// Expected flows (intent) and probed flows, each simulated and set against what was observed.

export interface FlowInput {
  id: string;
  name: string;
  from: string; // zone or IP
  to: string | null; // null: the probe never learned the address
  proto: 'tcp' | 'udp' | 'icmp';
  dport: number | null;
  expect: Action | null;
  source: 'intent' | 'probe' | 'both';
  probe: Facts['probes'][number] | null;
  origin: string | null;
}

export interface FlowEval {
  input: FlowInput;
  flow: Flow;
  sim: SimResult | null;
  simError: string | null;
  outcome: ReturnType<typeof observedOutcome>;
  simVsObserved: 'agree' | 'disagree' | 'unknown';
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'flow';

function urlPort(url: string): number {
  const m = /^(https?):\/\/[^/:]+(?::(\d+))?/.exec(url);
  return m?.[2] ? Number(m[2]) : m?.[1] === 'http' ? 80 : 443;
}

function probeTarget(p: Facts['probes'][number]): string | null {
  const r = p.result;
  return (
    r?.resolved?.address ??
    p.probe.resolve?.split(':')[2] ??
    r?.connectedTo?.replace(/:\d+$/, '') ??
    r?.connectAttempts[0]?.address ??
    null
  );
}

export function collectFlows(ctx: CheckContext): FlowInput[] {
  const out: FlowInput[] = [];
  const ids = new Set<string>();
  const uniqueId = (base: string) => {
    let id = slug(base);
    for (let n = 2; ids.has(id); n++) id = `${slug(base)}-${n}`;
    ids.add(id);
    return id;
  };
  const same = (a: string, b: string | null) => b !== null && (a === b || zoneToIp(ctx, a) === (zoneToIp(ctx, b) ?? b));
  for (const f of ctx.intent?.intent.flows ?? []) {
    const name = f.name ?? `${f.from}-to-${f.to}${f.dport ? `-${f.dport}` : ''}`;
    out.push({
      id: uniqueId(name),
      name,
      from: f.from,
      to: f.to,
      proto: f.proto,
      dport: f.dport ?? null,
      expect: f.expect,
      source: 'intent',
      probe: null,
      origin: f.origin ?? null,
    });
  }
  for (const p of ctx.facts.probes) {
    const to = probeTarget(p);
    const dport = urlPort(p.probe.url);
    const match = out.find(
      (f) =>
        f.source === 'intent' &&
        f.proto === 'tcp' &&
        f.dport === dport &&
        same(f.from, p.probe.from) &&
        same(f.to ?? '', to),
    );
    if (match) {
      // The probe's name is what the admin calls this flow; keep the id stable on it when free.
      const id = ids.has(slug(p.probe.name)) ? match.id : uniqueId(p.probe.name);
      Object.assign(match, { source: 'both', probe: p, name: p.probe.name, id });
      continue;
    }
    out.push({
      id: uniqueId(p.probe.name),
      name: p.probe.name,
      from: p.probe.from,
      to,
      proto: 'tcp',
      dport,
      expect: p.probe.expect === 'reachable' ? 'ACCEPT' : 'DROP',
      source: 'probe',
      probe: p,
      origin: null,
    });
  }
  return out;
}

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
    else sim = r;
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
    simulated: sim ? { action: sim.action, decidedBy: sim.decidedBy, trace: sim.trace } : null,
    observed: capture || probe ? { capture, probe } : null,
    verdict: verdictText(input, sim, simError, outcome, simVsObserved, capture?.syn ?? 0, probe?.verdict ?? null),
    source: input.source,
    agreement,
  };
  return { input, flow, sim, simError, outcome, simVsObserved };
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
