import type { FwRule, SimFlow, SimResult } from '../schema/pve.js';
import { type Reason, reason, type Side } from '../schema/reason.js';
import { type CompileScope, compileRule } from './compile.js';
import { buildPacket } from './flow-packet.js';
import { matches } from './match.js';
import type { Walk } from './packet.js';
import { resolveFlow } from './simulate.js';
import type { CRule, FirewallModel } from './types.js';

// When a flow is not accepted, why the rule that was meant to accept it did not: the branches of
// Proxmox's compiler and of the chain walk that skip or miss a rule (PROXMOX.md 2, 4, 9.6). Each
// rule of the file that governs the deciding side is tried as written, then with one test
// relaxed; the first rule that the relaxation makes match names the cause. Pure.

interface Place {
  side: Side;
  file: string;
  rules: readonly FwRule[];
  scope: CompileScope;
  dir: 'IN' | 'OUT';
  nic: string | null; // netN for guest chains, where -i is decided at compile time
  vmid: number | null;
}

export function explainMiss(model: FirewallModel, flow: SimFlow, sim: SimResult): Reason | null {
  if (sim.action === 'ACCEPT') return null;
  const side = sim.reason.side;
  if (side !== 'source' && side !== 'destination' && side !== 'node') return null;
  let r: ReturnType<typeof resolveFlow>;
  try {
    r = resolveFlow(model, flow);
  } catch {
    return null;
  }
  const w: Walk = { p: buildPacket(flow, r.source, r.dest), trace: [], mark: false, noted: new Set() };
  const places = withGroups(model, placesFor(model, r, side));
  const decidedLine = sim.decidedBy.kind === 'rule' ? sim.decidedBy : null;
  for (const place of places) {
    const found = inFile(model, place, w, decidedLine, 'as-written');
    if (found) return found;
  }
  // Guest traffic: an allow rule written into cluster.fw never sees bridged packets. It matches the
  // packet as written, so it outranks a rule of the guest's file that misses on one test (a 443
  // rule is not the one meant for 9443 when the 9443 rule sits in cluster.fw).
  if (side !== 'node') {
    const vmid = side === 'destination' ? endpointVmid(r.to) : endpointVmid(r.from);
    const dir = side === 'destination' ? 'IN' : 'OUT';
    for (const c of model.clusterRules) {
      if (c.target.kind !== 'verdict' || c.target.action !== 'ACCEPT') continue;
      if (c.rule.direction !== 'IN' && c.rule.direction !== 'OUT') continue;
      if (!matches(c, w, undefined)) continue;
      return reason('rule-wrong-file', { ...ruleParams(c.rule), vmid, direction: dir, side });
    }
  }
  for (const place of places) {
    const found = inFile(model, place, w, decidedLine, 'one-test-relaxed');
    if (found) return found;
  }
  const first = places[0];
  return first ? reason('no-rule', { file: first.file, vmid: first.vmid ?? undefined, side }) : null;
}

const endpointVmid = (ep: ReturnType<typeof resolveFlow>['from']): number | null =>
  ep.kind === 'guest' ? ep.guest.vmid : null;

function placesFor(model: FirewallModel, r: ReturnType<typeof resolveFlow>, side: Side): Place[] {
  if (side === 'node') {
    const dir = r.to.kind === 'host' ? 'IN' : 'OUT';
    const host = model.cfg.host;
    const cluster = model.cfg.cluster;
    return [
      ...(host ? [{ side, file: host.path, rules: host.rules, scope: model.scope, dir, nic: null, vmid: null }] : []),
      ...(cluster
        ? [{ side, file: 'firewall/cluster.fw', rules: cluster.rules, scope: model.scope, dir, nic: null, vmid: null }]
        : []),
    ] as Place[];
  }
  const ep = side === 'destination' ? r.to : r.from;
  if (ep.kind !== 'guest') return [];
  const fw = model.cfg.guestFw[String(ep.guest.vmid)];
  return [
    {
      side,
      file: ep.guest.fwPath,
      rules: fw?.rules ?? [],
      scope: ep.guest.scope,
      dir: side === 'destination' ? 'IN' : 'OUT',
      nic: `net${ep.nic.index}`,
      vmid: ep.guest.vmid,
    },
  ];
}

// The security groups a place jumps to (enabled GROUP rules) are places of their own: their rules
// are the ones meant to allow the flow when the guest's file only says `GROUP name`. They sit in
// cluster.fw and resolve names in the cluster scope.
function withGroups(model: FirewallModel, places: Place[]): Place[] {
  const groups = model.cfg.cluster?.groups ?? {};
  const out = [...places];
  for (const place of places)
    for (const rule of place.rules) {
      if (rule.direction !== 'GROUP' || !rule.enabled) continue;
      // a name that differs in case reaches no group (group-undefined explains that jump)
      const g = groups[rule.action.toLowerCase()];
      if (g && model.groups.has(rule.action))
        out.push({ ...place, file: 'firewall/cluster.fw', rules: g.rules, scope: model.scope });
    }
  return out;
}

const ruleParams = (rule: FwRule) => ({ file: rule.file, line: rule.line, text: rule.text });

function compiled(rule: FwRule, scope: CompileScope): CRule[] | null {
  const c = compileRule({ ...rule, enabled: true, errors: [] }, scope);
  return 'error' in c ? null : c;
}

const anyMatch = (rules: CRule[] | null, w: Walk) => (rules ?? []).some((c) => matches(c, w, undefined));
const allows = (rule: FwRule) => rule.direction === 'GROUP' || rule.action === 'ACCEPT';

function inFile(
  model: FirewallModel,
  place: Place,
  w: Walk,
  decided: { file: string | null; line: number | null; text: string } | null,
  stage: 'as-written' | 'one-test-relaxed',
): Reason | null {
  if (stage === 'one-test-relaxed') return relaxedMiss(place, w);
  const base = { side: place.side, vmid: place.vmid ?? undefined };
  const own = (rule: FwRule) => ({ ...ruleParams(rule), ...base });
  const candidates = place.rules.filter((rule) => allows(rule) && rule.direction !== 'FORWARD');
  // 1. A rule that would match as written but is disabled, skipped, or behind the deciding rule.
  for (const rule of candidates) {
    if (rule.direction === 'GROUP') {
      // `|GROUP name`: the jump is disabled, so a group rule that would accept is never reached
      if (!rule.enabled && groupWouldMatch(model, rule.action, place.dir, w)) return reason('rule-disabled', own(rule));
      continue;
    }
    const wrongDir = rule.direction !== place.dir;
    const c = compiled(rule, place.scope);
    const nicOk = place.nic === null || rule.iface === null || rule.iface === place.nic;
    if (wrongDir || !nicOk) continue;
    if (!rule.enabled && anyMatch(c, w)) return reason('rule-disabled', own(rule));
    if (rule.errors.length > 0 && (anyMatch(c, w) || anyMatch(relaxed(rule, place.scope, ['source', 'dest']), w)))
      return reason('rule-skipped', { ...own(rule), error: rule.errors[0] ?? 'verification error' });
    if (rule.enabled && rule.errors.length === 0 && anyMatch(c, w) && decided?.file === rule.file) {
      if (decided.line !== null && decided.line < rule.line)
        return reason('rule-shadowed', {
          ...own(rule),
          byLine: decided.line,
          byText: decided.text,
          byAction: decidedAction(place.rules, decided.line),
        });
    }
  }
  // 2. A GROUP jump to a group that does not exist (names are stored lower-case).
  for (const rule of candidates) {
    if (rule.direction !== 'GROUP' || !rule.enabled || model.groups.has(rule.action)) continue;
    const lower = rule.action.toLowerCase();
    return reason('group-undefined', {
      ...own(rule),
      group: rule.action,
      stored: model.groups.has(lower) ? lower : undefined,
    });
  }
  // 3. A rule written for the other direction (an OUT rule in the receiving guest's file). It matches
  // the packet as written, so it outranks a rule that misses on one test: a neighbouring rule for
  // another port of the same peer is not the one meant for this flow.
  for (const rule of candidates) {
    if (rule.direction === 'GROUP' || !rule.enabled || rule.errors.length > 0 || rule.direction === place.dir) continue;
    if (rule.source === null && rule.dest === null) continue;
    if (anyMatch(compiled(rule, place.scope), w))
      return reason('rule-wrong-direction', { ...own(rule), direction: rule.direction, wanted: place.dir });
  }
  return null;
}

// 4. A live rule that misses on one test: the NIC, an address (or ipset member), or the port.
function relaxedMiss(place: Place, w: Walk): Reason | null {
  const base = { side: place.side, vmid: place.vmid ?? undefined };
  const own = (rule: FwRule) => ({ ...ruleParams(rule), ...base });
  const candidates = place.rules.filter((rule) => allows(rule) && rule.direction !== 'FORWARD');
  for (const rule of candidates) {
    if (rule.direction === 'GROUP' || !rule.enabled || rule.errors.length > 0 || rule.direction !== place.dir) continue;
    if (place.nic !== null && rule.iface !== null && rule.iface !== place.nic) {
      if (anyMatch(compiled({ ...rule, iface: null }, place.scope), w))
        return reason('rule-other-nic', { ...own(rule), ruleNic: rule.iface, nic: place.nic });
      continue;
    }
    for (const role of ['source', 'dest'] as const) {
      const addr = rule[role];
      if (!addr || !anyMatch(relaxed(rule, place.scope, [role]), w)) continue;
      const address = role === 'source' ? w.p.source : w.p.dest;
      if (addr.startsWith('+'))
        return reason('ipset-no-member', {
          ...own(rule),
          role,
          ipset: addr.slice(1).replace(/^(dc|guest|sdn)\//, ''),
          address,
        });
      // A literal address of another host is a rule for that host; an alias or a network that
      // misses the address is a definition that went wrong.
      if (/^[\d.:]+$/.test(addr)) continue;
      return reason('address-mismatch', { ...own(rule), role, wanted: addr, address });
    }
    // A port miss counts only for a rule that names this flow's addresses: a rule for another
    // service of the same guest was not meant for this traffic.
    const names = (a: string | null, ip: string) => a !== null && a.replace(/\/(32|128)$/, '') === ip;
    if ((names(rule.source, w.p.source) || names(rule.dest, w.p.dest)) && (rule.dport || rule.macro)) {
      if (anyMatch(relaxed(rule, place.scope, ['dport', 'proto', 'macro']), w))
        return reason('port-mismatch', {
          ...own(rule),
          ports: rule.macro ? rule.macro : (rule.dport ?? ''),
          macro: rule.macro ?? undefined,
          proto: rule.proto ?? undefined,
          port: w.p.dport ?? w.p.icmpText ?? null,
          wantedProto: w.p.protoName,
        });
    }
  }
  return null;
}

function groupWouldMatch(model: FirewallModel, name: string, dir: 'IN' | 'OUT', w: Walk): boolean {
  const g = model.groups.get(name);
  return (dir === 'IN' ? g?.in : g?.out)?.some((c) => c.target.kind === 'verdict' && matches(c, w, undefined)) ?? false;
}

function relaxed(rule: FwRule, scope: CompileScope, drop: Array<'source' | 'dest' | 'dport' | 'proto' | 'macro'>) {
  const r: FwRule = { ...rule };
  for (const k of drop) r[k] = null;
  return compiled(r, scope);
}

function decidedAction(rules: readonly FwRule[], line: number): string | undefined {
  return rules.find((r) => r.line === line)?.action;
}
