import type { FwRule, SimFlow } from '../schema/pve.js';
import { buildPacket } from './flow-packet.js';
import { matches } from './match.js';
import type { Walk } from './packet.js';
import { resolveFlow } from './simulate.js';
import type { FirewallModel } from './types.js';

// cluster.fw [RULES] only build PVEFW-HOST-IN/OUT: they never see bridged guest traffic. This
// lists the cluster rules that WOULD match the flow's addresses, protocol and ports if they did,
// so a report can say "this rule looks like it allows the flow, but it governs only the nodes".
export function clusterRulesMatchingGuestFlow(model: FirewallModel, flow: SimFlow): FwRule[] {
  const r = resolveFlow(model, flow);
  const w: Walk = { p: buildPacket(flow, r.source, r.dest), trace: [], mark: false, noted: null };
  const out: FwRule[] = [];
  for (const c of model.clusterRules) {
    if (c.target.kind !== 'verdict' || out.includes(c.rule)) continue;
    if (matches(c, w, undefined)) out.push(c.rule);
  }
  return out;
}

// True when no cluster rule can apply to a flow between these endpoints (neither end is the node).
export function clusterRulesApply(model: FirewallModel, flow: SimFlow): boolean {
  const r = resolveFlow(model, flow);
  return r.from.kind === 'host' || r.to.kind === 'host';
}
