import { parseIp, parseIpv4 } from '../parse/ip.js';
import type { Hop, KPacket, KRule, KTable, WalkState } from './types.js';
import { type HopResult, type LiveAction, walkHop } from './walk.js';

// Where a flow's packet crosses the filter table on a Proxmox node. A NIC with firewall=1 sits
// behind its own bridge (tap/veth -> fwbrNiK -> fwlnNiK | fwprNpK -> vmbrX), so a packet between
// two such guests crosses FORWARD three times: at the source's fwbr, at vmbr, at the target's fwbr.
export interface LiveEndpoint {
  kind: 'guest' | 'host' | 'outside';
  ip: string;
  bridge: string | null; // the guest NIC's bridge; for host/outside, null (the peer's is used)
  dev: string | null; // tap1001i0 / veth102i0
  firewall: boolean; // firewall=1 on the NIC: behind fwbr
  mac: string | null;
}

export interface LiveFlowInput {
  from: LiveEndpoint;
  to: LiveEndpoint;
  proto: 'tcp' | 'udp' | 'icmp';
  dport: number | null;
  sport?: number;
}

export interface FlowWalk {
  family: 4 | 6; // which table it walked: iptables or ip6tables
  action: LiveAction;
  decided: HopResult; // the hop that decided (the first that did not accept, else the most telling accept)
  hops: HopResult[];
  matched: KRule[]; // every rule this packet matched, in order, across hops
}

// tap1001i0 -> fwbr1001i0 / fwln1001i0 / fwpr1001p0 (the names Proxmox gives a firewall bridge)
function fwName(dev: string, kind: 'br' | 'ln' | 'pr'): string | null {
  const rest = dev.startsWith('tap') ? dev.slice(3) : dev.startsWith('veth') ? dev.slice(4) : null;
  if (rest === null) return null;
  const cut = rest.lastIndexOf('i');
  if (cut < 1) return null;
  return kind === 'pr' ? `fwpr${rest.slice(0, cut)}p${rest.slice(cut + 1)}` : `fw${kind}${rest}`;
}

// Names are derived once per device (a walk asks for them on every flow). Bounded: devices are few.
const names = new Map<string, [string | null, string | null, string | null]>();
const fw = (dev: string, kind: 'br' | 'ln' | 'pr') => {
  let n = names.get(dev);
  if (!n) {
    if (names.size > 100_000) names.clear();
    n = [fwName(dev, 'br'), fwName(dev, 'ln'), fwName(dev, 'pr')];
    names.set(dev, n);
  }
  return kind === 'br' ? n[0] : kind === 'ln' ? n[1] : n[2];
};

// The port a guest's frames use on its main bridge, and the hop at its own fwbr (if any).
function guestPort(e: LiveEndpoint): string | null {
  if (!e.dev) return null;
  return e.firewall ? fw(e.dev, 'pr') : e.dev;
}

export function hopsOf(flow: LiveFlowInput): Hop[] {
  const { from, to } = flow;
  const hops: Hop[] = [];
  const bridge = from.bridge ?? to.bridge ?? 'vmbr0';
  if (from.kind === 'guest' && from.firewall && from.dev) {
    const br = fw(from.dev, 'br');
    hops.push({
      hook: 'FORWARD',
      where: br ?? from.dev,
      inIface: br,
      outIface: br,
      physIn: from.dev,
      physOut: fw(from.dev, 'ln'),
      bridged: true,
    });
  }
  if (from.kind === 'host') {
    hops.push({
      hook: 'OUTPUT',
      where: 'host',
      inIface: null,
      outIface: bridge,
      physIn: null,
      physOut: null,
      bridged: false,
    });
  } else if (to.kind === 'host') {
    hops.push({
      hook: 'INPUT',
      where: bridge,
      inIface: bridge,
      outIface: null,
      physIn: from.kind === 'guest' ? guestPort(from) : null,
      physOut: null,
      bridged: false,
    });
  } else {
    const fromBridge = from.bridge ?? to.bridge ?? 'vmbr0';
    const toBridge = to.bridge ?? from.bridge ?? 'vmbr0';
    const inPort = from.kind === 'guest' ? guestPort(from) : null;
    const outPort = to.kind === 'guest' ? guestPort(to) : null;
    if (fromBridge === toBridge)
      hops.push({
        hook: 'FORWARD',
        where: fromBridge,
        inIface: fromBridge,
        outIface: fromBridge,
        physIn: inPort,
        physOut: outPort,
        bridged: true,
      });
    // routed by the node between two bridges
    else
      hops.push({
        hook: 'FORWARD',
        where: `${fromBridge} -> ${toBridge}`,
        inIface: fromBridge,
        outIface: toBridge,
        physIn: inPort,
        physOut: null,
        bridged: false,
      });
  }
  if (to.kind === 'guest' && to.firewall && to.dev) {
    const br = fw(to.dev, 'br');
    hops.push({
      hook: 'FORWARD',
      where: br ?? to.dev,
      inIface: br,
      outIface: br,
      physIn: fw(to.dev, 'ln'),
      physOut: to.dev,
      bridged: true,
    });
  }
  return hops;
}

const PROTO = { tcp: 6, udp: 17, icmp: 1 } as const;

// ICMPv6 types conntrack never tracks (router and neighbour discovery, MLD): their packets are
// UNTRACKED, so neither NEW nor INVALID rules see them (nf_conntrack_proto_icmpv6 noct_valid_new).
const ICMP6_UNTRACKED = new Set([130, 131, 132, 133, 134, 135, 136, 143]);
// ICMP types that open a connection (echo, timestamp, information and address mask requests;
// ICMPv6 echo request and node information query); other types are errors or answers, which
// conntrack marks INVALID without the connection they belong to (the kernel's valid_new tables).
const ICMP4_NEW = new Set([8, 13, 15, 17]);
const ICMP6_NEW = new Set([128, 139]);

function ctstateOf(v: 4 | 6, icmp: boolean, type: number): KPacket['ctstate'] {
  if (!icmp) return 'NEW';
  if (v === 4) return ICMP4_NEW.has(type) ? 'NEW' : 'INVALID';
  return ICMP6_UNTRACKED.has(type) ? 'UNTRACKED' : ICMP6_NEW.has(type) ? 'NEW' : 'INVALID';
}

function addrType(e: LiveEndpoint, v4: number | null, ip: { v: 4 | 6; n: bigint }): string {
  if (e.kind === 'host') return 'LOCAL';
  if (v4 !== null) return v4 === 0xffffffff ? 'BROADCAST' : v4 >>> 28 === 14 ? 'MULTICAST' : 'UNICAST';
  return ip.n >> 120n === 0xffn ? 'MULTICAST' : 'UNICAST';
}

// The first packet of the flow: a SYN (or the first datagram / echo request) of a new connection.
export function packetOf(flow: LiveFlowInput): KPacket | null {
  const s4 = parseIpv4(flow.from.ip);
  const d4 = parseIpv4(flow.to.ip);
  // IPv4 without a bigint on the way (the common case, and the hot path)
  const s = s4 !== null ? { v: 4 as const, n: 0n } : parseIp(flow.from.ip);
  const d = d4 !== null ? { v: 4 as const, n: 0n } : parseIp(flow.to.ip);
  if (!s || !d || s.v !== d.v) return null;
  const icmp = flow.proto === 'icmp';
  // for ICMP the flow's "port" is the type: echo request unless given (8, or 128 for ICMPv6)
  const type = flow.dport ?? (s.v === 6 ? 128 : 8);
  return {
    v: s.v,
    src4: s4 ?? 0,
    dst4: d4 ?? 0,
    src6: s.n,
    dst6: d.n,
    proto: icmp && s.v === 6 ? 58 : PROTO[flow.proto],
    sport: icmp ? null : (flow.sport ?? 49152),
    dport: icmp ? null : flow.dport,
    tcpFlags: flow.proto === 'tcp' ? 0x02 : 0,
    icmpType: icmp ? type : null,
    icmpCode: icmp ? 0 : null,
    ctstate: ctstateOf(s.v, icmp, type),
    srcMac: flow.from.kind === 'guest' ? (flow.from.mac?.toUpperCase() ?? null) : null,
    srcType: addrType(flow.from, s4, s),
    dstType: addrType(flow.to, d4, d),
  };
}

// The flow's first packet through every hop, in order; the first hop that does not accept decides.
// Null when the addresses are not of the table's family (or not addresses).
export function walkFlow(table: KTable, flow: LiveFlowInput): FlowWalk | null {
  const p = packetOf(flow);
  if (!p || p.v !== table.family) return null;
  const hops: HopResult[] = [];
  let mark = 0;
  for (const hop of hopsOf(flow)) {
    const s: WalkState = { p, hop, mark, connmark: 0 };
    const r = walkHop(table, s);
    mark = s.mark; // the skb keeps its mark from bridge to bridge
    hops.push(r);
    if (r.action !== 'ACCEPT') break;
  }
  const last = hops[hops.length - 1] as HopResult;
  let decided = last;
  if (last.action === 'ACCEPT')
    for (let i = hops.length - 1; i >= 0; i--)
      if ((hops[i] as HopResult).rule !== null) {
        decided = hops[i] as HopResult;
        break;
      }
  const matched: KRule[] = [];
  for (const h of hops) for (const r of h.matched) matched.push(r);
  return { family: table.family, action: last.action, decided, hops, matched };
}
