import { computeDrift, type DriftItem, type DriftResult } from '../../kernel/drift.js';
import { ebtablesDrift, managesL2 } from '../../kernel/ebtables-drift.js';
import { expectedChains } from '../../kernel/expected.js';
import {
  type FlowWalk,
  type L2Walk,
  type LiveEndpoint,
  type LiveKernel,
  loadKernel,
  type NftFlowWalk,
  tableFor,
  walkFlow,
  walkL2Flow,
  walkNftFlow,
} from '../../kernel/index.js';
import { nftHandAdded } from '../../kernel/nft-drift.js';
import { shellSpec } from '../../kernel/tokens.js';
import type { Facts } from '../../schema/facts.js';
import type { Reason } from '../../schema/reason.js';
import type { LiveVerdict } from '../../schema/report.js';
import type { CheckContext } from '../context.js';
import { deviceOf, guestIp } from './guests.js';

// The flow walked through the live ruleset (src/kernel), shared by the kernel checks and analyse.

const cache = new WeakMap<object, LiveKernel>();

// Parsed once per analysis: the facts object is the key.
export function liveKernel(facts: Facts): LiveKernel | null {
  const ev = facts.kernel;
  if (!ev?.iptables && !ev?.nft) return null;
  let k = cache.get(ev);
  if (!k) {
    k = loadKernel(ev);
    cache.set(ev, k);
  }
  return k.v4 || k.nft ? k : null;
}

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

// A zone or IP of the report as the kernel sees it: which device and bridge its packets use.
export function liveEndpoint(ctx: CheckContext, ep: { zone: string | null; ip: string | null }): LiveEndpoint | null {
  const zone = ep.zone;
  if (zone === 'host') {
    const ip = ep.ip ?? ctx.facts.pve.hostIp ?? ctx.facts.localnet?.nodeIp ?? null;
    return ip ? { kind: 'host', ip, bridge: null, dev: null, firewall: false, mac: null } : null;
  }
  const m = zone ? /^(?:ct|vm)(\d+)(?:i(\d+))?$/.exec(zone) : null;
  if (m) {
    const vmid = Number(m[1]);
    const g = ctx.facts.pve.guests[String(vmid)];
    const ip = ep.ip ?? guestIp(ctx, vmid);
    if (!g || !ip)
      return ip && !g ? { kind: 'outside', ip, bridge: null, dev: null, firewall: false, mac: null } : null;
    const want = m[2] === undefined ? null : Number(m[2]);
    const net =
      g.nets.find((n) => (want === null ? n.ip?.split('/')[0] === ip : n.index === want)) ??
      g.nets.find((n) => n.index === 0) ??
      g.nets[0];
    if (!net) return null;
    return {
      kind: 'guest',
      ip,
      bridge: net.bridge,
      dev: deviceOf(vmid, g.type, net.index),
      firewall: net.firewall,
      mac: net.hwaddr,
    };
  }
  return ep.ip && IPV4.test(ep.ip)
    ? { kind: 'outside', ip: ep.ip, bridge: null, dev: null, firewall: false, mac: null }
    : null;
}

export interface LiveResult {
  walk: FlowWalk | null;
  verdict: LiveVerdict | null;
}

// flows[].live for one flow, or null when there is no live ruleset or the endpoints are unknown.
export function liveFor(
  ctx: CheckContext,
  flow: {
    from: { zone: string | null; ip: string | null };
    to: { zone: string | null; ip: string | null };
    proto: string;
    dport: number | null;
  },
): LiveResult {
  const k = liveKernel(ctx.facts);
  if (!k?.v4 && !k?.nft) return { walk: null, verdict: null };
  const from = liveEndpoint(ctx, flow.from);
  const to = liveEndpoint(ctx, flow.to);
  const proto = flow.proto === 'udp' || flow.proto === 'icmp' ? flow.proto : 'tcp';
  if (!from || !to) return { walk: null, verdict: null };
  if (k.nft) {
    if (from.ip.includes(':') || to.ip.includes(':')) return { walk: null, verdict: null };
    const nw = walkNftFlow(k.nft, { from, to, proto, dport: flow.dport });
    return { walk: null, verdict: nw ? nftVerdictOf(nw) : null };
  }
  // IPv6 flows walk ip6tables-save's table
  const table = tableFor(k, from.ip, to.ip);
  if (!table) return { walk: null, verdict: null };
  const walk = walkFlow(table, { from, to, proto, dport: flow.dport });
  if (!walk) return { walk: null, verdict: null };
  const l3 = verdictOf(walk);
  const l2 = k.ebtables ? walkL2Flow(k.ebtables, { from, to, proto, dport: flow.dport }) : null;
  return { walk, verdict: l2 ? withLayer2(l3, l2) : l3 };
}

// The frames before the first packet (ARP) and the packet's own frame cross ebtables first: a drop
// there kills the flow whatever iptables decides; an undecidable layer 2 leaves an accept unknown.
function withLayer2(l3: LiveVerdict, l2: L2Walk): LiveVerdict {
  const d = l2.decided;
  if (!d || l2.action === 'ACCEPT') return l3;
  if (l2.action === 'unknown') {
    if (l3.action !== 'ACCEPT') return l3;
    const r = d.unknownRule;
    const chain = `ebtables ${r?.chain ?? d.chain ?? d.hop.hook}`;
    return {
      backend: 'iptables',
      action: 'unknown',
      chain,
      rule: r?.pos ?? null,
      text: r?.text ?? null,
      reason: { code: 'kernel-unknown', chain, rule: r?.pos ?? null, what: d.why ?? 'unknown', frame: d.frame },
    };
  }
  const chain = `ebtables ${d.rule?.chain ?? d.chain ?? d.hop.hook}`;
  const rule = d.rule?.pos ?? null;
  const arp = d.rule?.chain.endsWith('-OUT-ARP') || d.rule?.matches.some((m) => m.k === 'arp-ip-src');
  const mac = d.rule?.matches.some((m) => m.k === 'src' && m.neg);
  const reason: Reason = arp
    ? { code: 'arp-filtered', chain, rule, frame: d.frame }
    : mac
      ? { code: 'mac-filtered', chain, rule, frame: d.frame }
      : d.rule
        ? { code: 'kernel-rule', chain, rule, target: 'DROP', frame: d.frame }
        : { code: 'kernel-policy', chain, policy: 'DROP', where: d.hop.where };
  return { backend: 'iptables', action: 'DROP', chain, rule, text: d.rule?.text ?? 'policy DROP', reason };
}

function verdictOf(w: FlowWalk): LiveVerdict {
  const d = w.decided;
  if (w.action === 'unknown') {
    const r = d.unknownRule;
    const reason: Reason = { code: 'kernel-unknown', chain: d.chain, rule: r?.pos ?? null, what: d.why ?? 'unknown' };
    return {
      backend: 'iptables',
      action: 'unknown',
      chain: d.chain,
      rule: r?.pos ?? null,
      text: r?.text ?? null,
      reason,
    };
  }
  if (d.rule) {
    const macDrop = d.rule.matches.some((m) => m.text.includes('--mac-source')) && d.action === 'DROP';
    const reason: Reason = macDrop
      ? { code: 'mac-filtered', chain: d.rule.chain, rule: d.rule.pos }
      : { code: 'kernel-rule', chain: d.rule.chain, rule: d.rule.pos, target: d.action };
    return {
      backend: 'iptables',
      action: d.action as LiveVerdict['action'],
      chain: d.rule.chain,
      rule: d.rule.pos,
      text: d.rule.text,
      reason,
    };
  }
  return {
    backend: 'iptables',
    action: d.action as LiveVerdict['action'],
    chain: d.chain,
    rule: null,
    text: `policy ${d.action}`,
    reason: { code: 'kernel-policy', chain: d.chain, policy: d.action, where: d.hop.where },
  };
}

// nftables: the chain is named with its family and table ("bridge proxmox-firewall-guests
// guest-1001-in"), since inet and bridge tables both have a "forward"; the handle goes in the reason.
function nftVerdictOf(w: NftFlowWalk): LiveVerdict {
  const d = w.decided;
  const q = (c: { family: string; table: string; name?: string; chain?: string } | null) =>
    c ? `${c.family} ${c.table} ${c.name ?? c.chain}` : null;
  if (w.action === 'unknown') {
    const r = d.unknownRule;
    const chain = r ? q(r) : q(d.chain);
    return {
      backend: 'nftables',
      action: 'unknown',
      chain,
      rule: r?.pos ?? null,
      text: r?.text ?? null,
      reason: {
        code: 'kernel-unknown',
        chain,
        rule: r?.pos ?? null,
        what: d.why ?? 'unknown',
        handle: r?.handle ?? null,
      },
    };
  }
  if (d.rule) {
    const chain = q(d.rule) as string;
    const macDrop = d.action === 'DROP' && /\bether saddr\b|\barp saddr ether\b/.test(d.rule.text);
    const reason: Reason = macDrop
      ? { code: 'mac-filtered', chain, rule: d.rule.pos, handle: d.rule.handle }
      : { code: 'kernel-rule', chain, rule: d.rule.pos, target: d.action, handle: d.rule.handle };
    return {
      backend: 'nftables',
      action: d.action as LiveVerdict['action'],
      chain,
      rule: d.rule.pos,
      text: d.rule.text,
      reason,
    };
  }
  const chain = q(d.chain) ?? d.hop.hook;
  return {
    backend: 'nftables',
    action: d.action as LiveVerdict['action'],
    chain,
    rule: null,
    text: `policy ${d.action.toLowerCase()}`,
    reason: { code: 'kernel-policy', chain, policy: d.action, where: d.hop.where },
  };
}

// The live ruleset against what the configuration compiles to (src/kernel/drift.ts), once. For
// nftables: the rules proxmox-firewall did not write (src/kernel/nft-drift.ts).
const driftCache = new WeakMap<object, DriftResult>();
export function liveDrift(ctx: CheckContext): DriftResult | null {
  const k = liveKernel(ctx.facts);
  if (!k?.v4 && !k?.nft) return null;
  let d = driftCache.get(k);
  if (!d) {
    d = k.nft ? nftDrift(k.nft) : computeDrift(k.v4 as NonNullable<typeof k.v4>, expectedChains(ctx.facts.pve));
    if (k.ebtables && !k.nft)
      d = managesL2(k.ebtables)
        ? { ...d, items: [...d.items, ...ebtablesDrift(k.ebtables, ctx.facts.pve)] }
        : { ...d, notCompared: [...d.notCompared, { chain: 'ebtables', why: 'no PVEFW chains' }] };
    driftCache.set(k, d);
  }
  return d;
}

// A drift item as data (drift[].reason and the "rules loaded" answer share it).
export function driftReason(item: DriftItem): Reason {
  return {
    code: item.code,
    chain: item.chain,
    rule: item.rule,
    ...(item.expected !== null ? { expected: item.expected } : {}),
    ...(item.nft ? { handle: item.nft.handle } : {}),
  };
}

function nftDrift(rs: NonNullable<LiveKernel['nft']>): DriftResult {
  const items: DriftItem[] = nftHandAdded(rs).map((h) => ({
    chain: h.chain,
    kind: 'extra',
    code: 'hand-added',
    text: h.text,
    rule: h.rule,
    spec: null,
    expected: null,
    nft: { family: h.family, table: h.table, chain: h.chainName, handle: h.handle },
  }));
  return {
    items,
    compared: [],
    notCompared: [{ chain: 'nftables', why: 'hand-added rules only' }],
  };
}

// The shell commands that undo one drift item, and the command that proves it.
export function driftFix(item: DriftItem): { commands: string[]; verify: string[]; phase: 'cleanup' | 'apply' } {
  if (item.ebtables) return ebtablesFix(item, item.ebtables);
  if (item.nft) {
    const { family, table, chain, handle } = item.nft;
    return {
      phase: 'cleanup',
      commands: [`nft delete rule ${family} ${table} ${chain} handle ${handle}`],
      verify: [
        `nft -a list chain ${family} ${table} ${chain} | grep -c '# handle ${handle}$'   # expect 0: the rule is gone`,
      ],
    };
  }
  if (item.code === 'hand-added' && item.spec !== null) {
    const spec = shellSpec(item.spec);
    return {
      phase: 'cleanup',
      commands: [`iptables -D ${item.chain} ${spec}`],
      verify: [`iptables -C ${item.chain} ${spec}; echo $?   # expect 1: the rule is gone`],
    };
  }
  if (item.code === 'live-rule-changed' && item.rule !== null && item.expected !== null) {
    const spec = shellSpec(item.expected);
    return {
      phase: 'apply',
      commands: [`iptables -R ${item.chain} ${item.rule} ${spec}`],
      verify: [`iptables -C ${item.chain} ${spec}; echo $?   # expect 0`],
    };
  }
  const verify = ['pve-firewall status   # expect no "(pending changes)"'];
  if (item.kind === 'missing' && item.expected !== null)
    verify.push(`iptables -C ${item.chain} ${shellSpec(item.expected)}; echo $?   # expect 0`);
  if (item.code === 'stale-chain')
    verify.push(`iptables -S ${item.chain}   # expect: No chain/target/match by that name`);
  return { phase: 'apply', commands: ['pve-firewall restart'], verify };
}

// Layer 2: a hand-added ebtables rule is deleted by its spec; anything else is pve-firewall's to reload.
function ebtablesFix(
  item: DriftItem,
  eb: { chain: string; spec: string | null },
): { commands: string[]; verify: string[]; phase: 'cleanup' | 'apply' } {
  if (item.code === 'hand-added' && eb.spec !== null) {
    const spec = shellSpec(eb.spec);
    return {
      phase: 'cleanup',
      commands: [`ebtables -D ${eb.chain} ${spec}`],
      verify: [
        `ebtables-save | grep -cxF -- '-A ${eb.chain} ${eb.spec.replace(/'/g, "'\\''")}'   # expect 0: the rule is gone`,
      ],
    };
  }
  return {
    phase: 'apply',
    commands: ['pve-firewall restart'],
    verify: ['pve-firewall status   # expect no "(pending changes)"', `ebtables-save | grep -A3 -- ':${eb.chain} '`],
  };
}
