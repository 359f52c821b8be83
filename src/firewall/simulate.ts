import { SimulationError } from '../lib/errors.js';
import type { SimFlow, SimResult } from '../schema/pve.js';
import { type Reason, reason, type Side } from '../schema/reason.js';
import { buildPacket } from './flow-packet.js';
import { fromGuest, intoGuest } from './guest-chains.js';
import { hostIn, hostOut } from './host-chains.js';
import type { Decision, Walk } from './packet.js';
import type { FirewallModel } from './types.js';
import { bridgeOf, type Endpoint, resolveZone } from './zones.js';

export type { FirewallModel } from './types.js';

const DEFAULT_SRC = { 4: '100.100.1.2', 6: 'fd00::100:100:1:2' };
const DEFAULT_DST = { 4: '100.200.3.4', 6: 'fd00::100:200:3:4' };

// Resolves zones and addresses of a flow the way pve-firewall simulate does.
export function resolveFlow(
  model: FirewallModel,
  flow: SimFlow,
): { from: Endpoint; to: Endpoint; source: string; dest: string; notes: string[] } {
  if (!flow.from || !flow.to)
    throw new SimulationError('both a from zone and a to zone are needed', { field: flow.from ? 'to' : 'from' });
  if (flow.from === flow.to)
    throw new SimulationError(`from and to are the same zone ("${flow.from}"): pick two different zones`, {
      field: 'to',
    });
  const f = resolveZone(model, flow.from, model.root);
  const t = resolveZone(model, flow.to, model.root);
  const same =
    f.ep.kind === t.ep.kind &&
    (f.ep.kind === 'host' || (f.ep.kind === 'guest' && t.ep.kind === 'guest' && f.ep.nic === t.ep.nic));
  if (same)
    throw new SimulationError(
      `from "${flow.from}" and to "${flow.to}" are the same endpoint: pick two different zones`,
      { field: 'to' },
    );
  const fam = flow.proto === 'icmpv6' ? 6 : 4;
  const hostIp = model.cfg.hostIp && (fam === 6) === model.cfg.hostIp.includes(':') ? model.cfg.hostIp : null;
  const notes: string[] = [];
  const source = pickAddress(flow.source, f.ip, f.ep, DEFAULT_SRC[fam], 'source', hostIp, fam, notes);
  const dest = pickAddress(flow.dest, t.ip, t.ep, DEFAULT_DST[fam], 'dest', hostIp, fam, notes);
  return { from: f.ep, to: t.ep, source, dest, notes };
}

function pickAddress(
  given: string | undefined,
  ip: string | null,
  ep: Endpoint,
  dflt: string,
  role: string,
  hostIp: string | null,
  fam: 4 | 6,
  notes: string[],
): string {
  if (given) return given;
  if (ip) return ip;
  if (ep.kind === 'host') {
    if (hostIp) return hostIp;
    notes.push(`the node IP is unknown (pass --host-ip); ${role} defaults to ${dflt}`);
    return dflt;
  }
  const known = ep.kind === 'guest' ? ep.nic.addresses.find((a) => a.includes(':') === (fam === 6)) : undefined;
  if (known)
    notes.push(
      `${role} address defaults to ${dflt} as in pve-firewall simulate; ${ep.zone} has ${known} (pass it with --${role}, or use the IP as the zone)`,
    );
  return dflt;
}

function builtin(
  text: string,
  why: Reason,
  file: string | null = null,
  line: number | null = null,
  weak = false,
): Decision {
  return { action: 'ACCEPT', decidedBy: { kind: 'default', file, line, text }, reason: why, weak };
}

function hostOff(model: FirewallModel): Decision {
  const path = model.cfg.host?.path ?? null;
  const line = model.cfg.host?.options.enable?.line ?? null;
  return builtin(
    `host firewall disabled (${path ?? 'host.fw'} enable: 0): no PVEFW-HOST chains`,
    reason('host-disabled', { file: path, line }),
    path,
    line,
  );
}

function result(w: Walk, d: Decision, portText: string | null): SimResult {
  const p = w.p;
  return {
    action: d.action,
    decidedBy: d.decidedBy,
    trace: w.trace,
    reason: d.reason,
    packet: { source: p.source, dest: p.dest, proto: p.protoName, dport: portText },
  };
}

const BRIDGE = builtin(
  'bridge FORWARD: nothing filters between bridge ports',
  reason('bridge-forward', { side: 'bridge' }),
  null,
  null,
  true,
);

// Which end of the flow a hop decided on, so a reason can say "the destination guest's policy".
const onSide = (d: Decision, side: Side): Decision => ({ ...d, reason: { ...d.reason, side } });

const SWITCH_OFF = new Set(['guest-no-fwfile', 'guest-disabled', 'nic-unfiltered', 'guest-chains-stopped']);

// One packet through the chains Proxmox's iptables ruleset would walk (PROXMOX.md sections 4
// and 9). Throws SimulationError only for invalid input.
export function simulate(model: FirewallModel, flow: SimFlow): SimResult {
  const r = resolveFlow(model, flow);
  const p = buildPacket(flow, r.source, r.dest);
  const w: Walk = { p, trace: [], mark: false, noted: null };
  const portText = p.icmp ? String(flow.dport) : p.dport === null ? null : String(p.dport);
  w.trace.push(
    `packet: ${p.protoName} ${p.source}${p.sport !== null ? `:${p.sport}` : ''} -> ${p.dest}${portText !== null ? `:${portText}` : ''} (${r.from.zone} -> ${r.to.zone})`,
  );
  for (const n of r.notes) w.trace.push(`note: ${n}`);
  if (!model.clusterEnabled) {
    w.trace.push('cluster firewall disabled: no PVEFW chains exist -> ACCEPT');
    const why = model.cfg.cluster
      ? 'cluster firewall is disabled (firewall/cluster.fw enable is not 1): no chains, everything is accepted'
      : 'there is no firewall/cluster.fw: the firewall is off, everything is accepted';
    const code = model.cfg.cluster
      ? reason('cluster-disabled', { file: 'firewall/cluster.fw', line: model.clusterEnableLine })
      : reason('cluster-fw-missing', { file: 'firewall/cluster.fw' });
    return result(w, builtin(why, code, 'firewall/cluster.fw', model.clusterEnableLine), portText);
  }
  const decisions: Decision[] = [];
  const { from, to } = r;
  if (from.kind === 'guest')
    decisions.push(onSide(nftGuest(model, w, fromGuest(model, w, from.guest, from.nic)), 'source'));
  else if (from.kind === 'host')
    decisions.push(onSide(model.host.enabled ? hostOut(model, w, bridgeOf(to)) : hostOff(model), 'node'));
  if (accepted(decisions) && to.kind === 'host')
    decisions.push(onSide(model.host.enabled ? hostIn(model, w, bridgeOf(from)) : hostOff(model), 'node'));
  else if (accepted(decisions) && from.kind !== 'host') {
    w.trace.push(
      `PVEFW-FORWARD on ${bridgeOf(from)}${bridgeOf(to) !== bridgeOf(from) ? ` -> ${bridgeOf(to)}` : ''}: no rule matches a plain bridge port -> ACCEPT`,
    );
    decisions.push(BRIDGE);
  }
  if (accepted(decisions) && to.kind === 'guest')
    decisions.push(onSide(nftGuest(model, w, intoGuest(model, w, to.guest, to.nic)), 'destination'));
  const last = decisions[decisions.length - 1] as Decision;
  if (last.action !== 'ACCEPT') return result(w, last, portText);
  const rev = [...decisions].reverse();
  // A switch that is off explains an accept better than the other end's default policy: the
  // traffic passes because nothing filters that guest.
  const explained =
    rev.find((d) => SWITCH_OFF.has(d.reason.code)) ??
    rev.find((d) => !d.weak) ??
    rev.find((d) => !d.decidedBy.text.startsWith('bridge FORWARD')) ??
    last;
  return result(w, explained, portText);
}

// With host.fw `nftables: 1` the proxmox-firewall backend turns REJECT in guest chains into a
// drop (PROXMOX.md section 6): the sender sees a timeout, not a reset.
function nftGuest(model: FirewallModel, w: Walk, d: Decision): Decision {
  if (model.cfg.host?.options.nftables?.value !== '1' || d.action !== 'REJECT') return d;
  w.trace.push('nftables backend (host.fw nftables: 1): REJECT in a guest chain is a drop there -> DROP');
  return { ...d, action: 'DROP', reason: { ...d.reason, action: 'DROP', nftables: true } };
}

function accepted(d: readonly Decision[]): boolean {
  return d.length === 0 || d[d.length - 1]?.action === 'ACCEPT';
}
