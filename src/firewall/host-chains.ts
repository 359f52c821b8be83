import type { Action } from '../schema/common.js';
import { reason } from '../schema/reason.js';
import { policyDecision, policyLogNote, runRules } from './chains.js';
import type { Decision, Walk } from './packet.js';
import type { FirewallModel } from './types.js';

const MGMT_IN: Array<[number, number]> = [
  [8006, 8006],
  [5900, 5999],
  [3128, 3128],
  [22, 22],
  [60000, 60050],
];
const MGMT_OUT: Array<[number, number]> = [
  [8006, 8006],
  [22, 22],
  [5900, 5999],
  [3128, 3128],
];

const builtin = (text: string, file: string | null = null, line: number | null = null): Decision['decidedBy'] => ({
  kind: 'default',
  file,
  line,
  text,
});
const inPorts = (list: Array<[number, number]>, port: number | null) =>
  port !== null && list.some(([a, b]) => port >= a && port <= b);

function ipsetLine(model: FirewallModel, name: string): number | null {
  return model.cfg.cluster?.ipsets[name]?.line ?? null;
}

// Blacklist and smurf checks shared by PVEFW-HOST-IN and PVEFW-FWBR-IN (host options).
export function blacklistAndSmurfs(model: FirewallModel, w: Walk, chain: string): Decision | null {
  const p = w.p;
  const bl = model.host.blacklist;
  if (bl && (p.v === 4 ? bl.has4(p.src4) : bl.has6(p.src6))) {
    w.trace.push(`${chain}: source ${p.source} is in ipset blacklist -> DROP`);
    return {
      action: 'DROP',
      decidedBy: builtin(`source in ipset blacklist`, 'firewall/cluster.fw', ipsetLine(model, 'blacklist')),
      reason: reason('blacklist', {
        address: p.source,
        ipset: 'blacklist',
        file: 'firewall/cluster.fw',
        line: ipsetLine(model, 'blacklist'),
        chain,
      }),
    };
  }
  if (
    p.v === 4 &&
    model.host.opt('nosmurfs') !== '0' &&
    p.src4 !== 0 &&
    (p.srctype === 'BROADCAST' || p.src4 >>> 28 === 14)
  ) {
    w.trace.push(`${chain}: PVEFW-smurfs: broadcast/multicast source ${p.source} -> DROP`);
    return {
      action: 'DROP',
      decidedBy: builtin('PVEFW-smurfs: broadcast or multicast source (host option nosmurfs)'),
      reason: reason('smurfs', { address: p.source, chain }),
    };
  }
  return null;
}

// PVEFW-HOST-IN: built-ins, host.fw then cluster.fw IN rules, management and corosync accepts, policy_in.
export function hostIn(model: FirewallModel, w: Walk, inIface: string | null): Decision {
  const chain = 'PVEFW-HOST-IN';
  const p = w.p;
  const early = blacklistAndSmurfs(model, w, chain);
  if (early) return early;
  if (p.proto === 2) {
    w.trace.push(`${chain}: -p igmp -> ACCEPT`);
    return {
      action: 'ACCEPT',
      decidedBy: builtin('built-in: IGMP is accepted'),
      reason: reason('builtin-accept', { what: 'igmp', chain }),
    };
  }
  const d = runRules(model, w, model.host.inRules, chain, 'host-in', inIface);
  if (d) return d;
  const h = model.host;
  if (
    p.proto === 6 &&
    inPorts(MGMT_IN, p.dport) &&
    (p.v === 4 ? h.management.has4(p.src4) : h.management.has6(p.src6))
  ) {
    w.trace.push(`${chain}: source in +management, tcp ${p.dport} -> ACCEPT`);
    return {
      action: 'ACCEPT',
      decidedBy: builtin(
        `built-in: management access from +management (cluster.fw [IPSET management] plus local_network ${h.localNetwork ?? 'unknown'}) to tcp ${p.dport}`,
        'firewall/cluster.fw',
        ipsetLine(model, 'management'),
      ),
      reason: reason('builtin-accept', { what: 'management', chain, port: p.dport, address: p.source }),
    };
  }
  const co = corosync(model, w, 'in');
  if (co) return co;
  const c = model.clusterOpt('policy_in') as Action;
  policyLogNote(model, w, c, model.host.opt('log_level_in'), chain);
  return policyDecision(w, c, 'policy_in', 'firewall/cluster.fw', model.clusterOptLine('policy_in'), chain, false);
}

// PVEFW-HOST-OUT: OUT rules ("-i X" tested as "-o X"), local_network accepts, corosync, policy_out.
export function hostOut(model: FirewallModel, w: Walk, outIface: string | null): Decision {
  const chain = 'PVEFW-HOST-OUT';
  const p = w.p;
  if (p.proto === 2) {
    w.trace.push(`${chain}: -p igmp -> ACCEPT`);
    return {
      action: 'ACCEPT',
      decidedBy: builtin('built-in: IGMP is accepted'),
      reason: reason('builtin-accept', { what: 'igmp', chain }),
    };
  }
  const d = runRules(model, w, model.host.outRules, chain, 'host-out', outIface);
  if (d) return d;
  const ln = model.host.localNet4;
  if (p.proto === 6 && inPorts(MGMT_OUT, p.dport) && ln && (p.v === 4 ? ln.has4(p.dst4) : ln.has6(p.dst6))) {
    w.trace.push(`${chain}: dest in local_network, tcp ${p.dport} -> ACCEPT`);
    return {
      action: 'ACCEPT',
      decidedBy: builtin(`built-in: node to local_network ${model.host.localNetwork} tcp ${p.dport}`),
      reason: reason('builtin-accept', {
        what: 'local-network',
        chain,
        port: p.dport,
        network: model.host.localNetwork,
      }),
    };
  }
  const co = corosync(model, w, 'out');
  if (co) return co;
  const c = model.clusterOpt('policy_out') as Action;
  policyLogNote(model, w, c, model.host.opt('log_level_out'), chain);
  return policyDecision(w, c, 'policy_out', 'firewall/cluster.fw', model.clusterOptLine('policy_out'), chain, false);
}

function corosync(model: FirewallModel, w: Walk, dir: 'in' | 'out'): Decision | null {
  const p = w.p;
  if (p.proto !== 17 || p.dport === null || p.dport < 5404 || p.dport > 5405) return null;
  const chain = dir === 'in' ? 'PVEFW-HOST-IN' : 'PVEFW-HOST-OUT';
  if (model.host.corosyncMulticast && p.dsttype === 'MULTICAST') {
    w.trace.push(`${chain}: corosync multicast (transport udp) -> ACCEPT`);
    return {
      action: 'ACCEPT',
      decidedBy: builtin('built-in: corosync multicast udp 5404:5405', 'corosync.conf'),
      reason: reason('builtin-accept', { what: 'corosync', chain, port: p.dport }),
    };
  }
  const src = p.v === 4 ? BigInt(p.src4) : p.src6;
  const dst = p.v === 4 ? BigInt(p.dst4) : p.dst6;
  for (const c of model.host.corosyncIn) {
    if (c.v !== p.v) continue;
    const ok = dir === 'in' ? c.src === src && c.dst === dst : c.dst === src && c.src === dst;
    if (!ok) continue;
    w.trace.push(`${chain}: corosync ${c.key} ${dir === 'in' ? 'from' : 'to'} ${c.peer} -> ACCEPT`);
    return {
      action: 'ACCEPT',
      decidedBy: builtin(
        `built-in: corosync udp 5404:5405 ${dir === 'in' ? 'from' : 'to'} ${c.peer} (${c.key})`,
        'corosync.conf',
      ),
      reason: reason('builtin-accept', { what: 'corosync', chain, port: p.dport, peer: c.peer }),
    };
  }
  return null;
}
