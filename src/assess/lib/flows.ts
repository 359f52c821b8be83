import type { Action } from '../../schema/common.js';
import type { Facts } from '../../schema/facts.js';
import type { SimResult } from '../../schema/pve.js';
import type { Reason } from '../../schema/reason.js';
import type { Flow } from '../../schema/report.js';
import type { CheckContext } from '../context.js';
import { zoneToIp } from './guests.js';
import type { observedOutcome } from './observe.js';

// The flows a report judges: expected flows from the intent and the probed ones (see flow-eval.ts).

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
  miss: Reason | null; // why the rule meant to accept it did not (see firewall/explain.ts)
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
    const candidates = out.filter(
      (f) => f.source === 'intent' && f.proto === 'tcp' && f.dport === dport && same(f.from, p.probe.from),
    );
    // A name that never resolved still belongs to the flow it was meant for: the one intended
    // flow from the same source on the same port (with several, the name cannot tell which).
    const match =
      to === null
        ? candidates.length === 1
          ? candidates[0]
          : undefined
        : candidates.find((f) => same(f.to ?? '', to));
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
