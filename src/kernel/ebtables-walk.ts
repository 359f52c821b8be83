import type { EChain, EMatch, ERule, ETable } from './ebtables.js';
import type { LiveEndpoint, LiveFlowInput } from './flow.js';
import type { Tri } from './types.js';

// Layer 2: the frames a flow needs, walked through the live ebtables filter table. Before the first
// IP packet the sender ARPs for the peer and the peer answers; pve-firewall's compile_ebtables_filter
// accepts IPv4/IPv6 frames at once (their MAC is checked in iptables) and sends the rest a
// firewall=1 NIC sends out through <dev>-OUT: a source-MAC filter (macfilter, default on), the ARP
// sender-IP filter (<dev>-OUT-ARP, from ipfilter-netN), the layer2_protocols list. If any of those
// frames is dropped, the flow is dead whatever iptables says.

export type FrameKind = 'arp-request' | 'arp-reply' | 'ip';

export interface L2Frame {
  kind: FrameKind;
  ethType: 'IPV4' | 'IPV6' | 'ARP';
  src: string | null; // lower-case MAC; null = not known
  dst: string | null;
  arp: { op: 1 | 2; sha: string | null; spa: number | null; tha: string | null; tpa: number | null } | null;
  ipSrc: number | null;
  ipDst: number | null;
}

export interface L2Hop {
  hook: 'INPUT' | 'FORWARD' | 'OUTPUT';
  where: string;
  in: string | null; // null: a port we cannot name (the uplink), never a guest's device
  out: string | null;
  logical: string; // the bridge
}

export interface L2Result {
  frame: FrameKind;
  hop: L2Hop;
  action: 'ACCEPT' | 'DROP' | 'unknown';
  rule: ERule | null; // the deciding rule; null for a policy or an unknown
  chain: string | null;
  why: string | null;
  unknownRule: ERule | null;
}

const ip4 = (s: string | null) => {
  if (!s) return null;
  const p = s.split('.').map(Number);
  return p.length === 4 && p.every((x) => x >= 0 && x <= 255)
    ? (((p[0] as number) << 24) | ((p[1] as number) << 16) | ((p[2] as number) << 8) | (p[3] as number)) >>> 0
    : null;
};
const mac = (m: string | null) => (m ? m.toLowerCase() : null);
const BROADCAST = 'ff:ff:ff:ff:ff:ff';

function ifaceMatch(pattern: string, name: string | null): Tri {
  if (name === null) return /^(tap|veth|fwln|fwpr|fwbr|vmbr)/.test(pattern) ? false : 'unknown';
  return pattern.endsWith('+') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

function macEq(m: { mac: string; mask: string | null }, v: string | null): Tri {
  if (v === null) return 'unknown';
  if (!m.mask) return m.mac === v;
  const a = m.mac.split(':');
  const b = v.split(':');
  const k = m.mask.split(':');
  return k.every(
    (x, i) =>
      (Number.parseInt(x, 16) & Number.parseInt(a[i] as string, 16)) ===
      (Number.parseInt(x, 16) & Number.parseInt(b[i] as string, 16)),
  );
}

function ipIn(m: { net: number; bits: number }, v: number | null): Tri {
  if (v === null) return 'unknown';
  const mask = m.bits === 0 ? 0 : (0xffffffff << (32 - m.bits)) >>> 0;
  return (v & mask) >>> 0 === (m.net & mask) >>> 0;
}

function test(m: EMatch, f: L2Frame, hop: L2Hop): Tri {
  let r: Tri;
  switch (m.k) {
    case 'proto':
      r = m.v === f.ethType ? true : /^(IPV4|IPV6|ARP|RARP|802_1Q|LENGTH|0X[0-9A-F]{4})$/.test(m.v) ? false : 'unknown';
      break;
    case 'in':
      r = ifaceMatch(m.v, hop.in);
      break;
    case 'out':
      r = ifaceMatch(m.v, hop.out);
      break;
    case 'logical-in':
    case 'logical-out':
      r = ifaceMatch(m.v, hop.logical);
      break;
    case 'src':
      r = macEq(m, f.src);
      break;
    case 'dst':
      r = macEq(m, f.dst);
      break;
    case 'arp-mac-src':
      r = f.arp ? macEq(m, f.arp.sha) : false;
      break;
    case 'arp-mac-dst':
      r = f.arp ? macEq(m, f.arp.tha) : false;
      break;
    case 'arp-ip-src':
      r = f.arp ? ipIn(m, f.arp.spa) : false;
      break;
    case 'arp-ip-dst':
      r = f.arp ? ipIn(m, f.arp.tpa) : false;
      break;
    case 'arp-op':
      r = f.arp ? f.arp.op === m.v : false;
      break;
    case 'ip-src':
      r = f.ethType === 'IPV4' ? ipIn(m, f.ipSrc) : false;
      break;
    case 'ip-dst':
      r = f.ethType === 'IPV4' ? ipIn(m, f.ipDst) : false;
      break;
  }
  return m.neg && r !== 'unknown' ? !r : r;
}

const MAX_STEPS = 50_000;

// One frame through one hook of the filter table.
export function walkL2Hop(t: ETable, f: L2Frame, kind: FrameKind, hop: L2Hop): L2Result {
  const res = (
    action: L2Result['action'],
    rule: ERule | null,
    chain: string | null,
    why: string | null = null,
    u: ERule | null = null,
  ): L2Result => ({
    frame: kind,
    hop,
    action,
    rule,
    chain,
    why,
    unknownRule: u,
  });
  const base = t.chains.get(hop.hook);
  if (!base) return res('ACCEPT', null, null, 'no such chain');
  const stack: Array<{ chain: EChain; i: number }> = [];
  let chain = base;
  let i = 0;
  for (let steps = 0; steps < MAX_STEPS; steps++) {
    const r = chain.rules[i++];
    if (!r) {
      // end of a chain: its policy, user chains included (ebtables' default for them is ACCEPT,
      // not RETURN); only a RETURN policy goes back to the caller
      if (chain.policy === 'DROP') return res('DROP', null, chain.name);
      const back = chain.policy === 'RETURN' ? stack.pop() : undefined;
      if (!back) return res('ACCEPT', null, chain.name);
      chain = back.chain;
      i = back.i;
      continue;
    }
    let hit: Tri = true;
    let open: EMatch | null = null;
    for (const m of r.matches) {
      const x = test(m, f, hop);
      if (x === false) {
        hit = false;
        break;
      }
      if (x === 'unknown') {
        hit = 'unknown';
        open ??= m;
      }
    }
    if (hit === false) continue;
    if (hit === 'unknown') return res('unknown', null, chain.name, `--${open?.k}: undecidable here`, r);
    if (r.unknown) return res('unknown', null, chain.name, `${r.unknown} is not modelled`, r);
    const tg = r.target;
    if (tg === 'ACCEPT') return res('ACCEPT', r, chain.name);
    if (tg === 'DROP') return res('DROP', r, chain.name);
    if (tg === 'CONTINUE') continue;
    if (tg === 'RETURN') {
      const back = stack.pop();
      if (!back) return res(base.policy === 'DROP' ? 'DROP' : 'ACCEPT', null, base.name);
      chain = back.chain;
      i = back.i;
      continue;
    }
    const next = t.chains.get(tg.jump);
    if (!next) return res('unknown', null, chain.name, `-j ${tg.jump}: unmodelled`, r);
    stack.push({ chain, i });
    chain = next;
    i = 0;
  }
  return res('unknown', null, null, 'gave up (a loop?)');
}

// tap1001i0 -> fwbr1001i0 / fwln1001i0 / fwpr1001p0
function fwName(dev: string, kind: 'br' | 'ln' | 'pr'): string | null {
  const m = /^(?:tap|veth)(\d+)i(\d+)$/.exec(dev);
  if (!m) return null;
  return kind === 'pr' ? `fwpr${m[1]}p${m[2]}` : `fw${kind}${m[1]}i${m[2]}`;
}

const bridgePort = (e: LiveEndpoint): string | null =>
  e.kind === 'guest' && e.dev ? (e.firewall ? fwName(e.dev, 'pr') : e.dev) : null;

// The hooks a frame from a to b crosses (iptables mode: a firewall=1 NIC sits behind fwbr).
export function l2HopsOf(a: LiveEndpoint, b: LiveEndpoint, bridge: string): L2Hop[] {
  const hops: L2Hop[] = [];
  if (a.kind === 'guest' && a.firewall && a.dev) {
    const br = fwName(a.dev, 'br') ?? a.dev;
    hops.push({ hook: 'FORWARD', where: br, in: a.dev, out: fwName(a.dev, 'ln'), logical: br });
  }
  if (b.kind === 'host') hops.push({ hook: 'INPUT', where: bridge, in: bridgePort(a), out: null, logical: bridge });
  else if (a.kind === 'host')
    hops.push({ hook: 'OUTPUT', where: bridge, in: null, out: bridgePort(b), logical: bridge });
  else hops.push({ hook: 'FORWARD', where: bridge, in: bridgePort(a), out: bridgePort(b), logical: bridge });
  if (b.kind === 'guest' && b.firewall && b.dev) {
    const br = fwName(b.dev, 'br') ?? b.dev;
    hops.push({ hook: 'FORWARD', where: br, in: fwName(b.dev, 'ln'), out: b.dev, logical: br });
  }
  return hops;
}

// The frames of a flow's start, in the order they go out: who-has, is-at, then the first packet.
export function framesOf(flow: LiveFlowInput): Array<{ f: L2Frame; from: LiveEndpoint; to: LiveEndpoint }> {
  const { from, to } = flow;
  const sameBridge = from.bridge === null || to.bridge === null || from.bridge === to.bridge;
  // across bridges (routed) the ARP partner is the node itself
  const peer: LiveEndpoint = sameBridge
    ? to
    : { kind: 'host', ip: to.ip, bridge: from.bridge, dev: null, firewall: false, mac: null };
  const a = ip4(from.ip);
  const b = ip4(to.ip);
  const frames: Array<{ f: L2Frame; from: LiveEndpoint; to: LiveEndpoint }> = [];
  if (a !== null) {
    frames.push({
      from,
      to: peer,
      f: {
        kind: 'arp-request',
        ethType: 'ARP',
        src: mac(from.mac),
        dst: BROADCAST,
        arp: { op: 1, sha: mac(from.mac), spa: a, tha: '00:00:00:00:00:00', tpa: b },
        ipSrc: null,
        ipDst: null,
      },
    });
    frames.push({
      from: peer,
      to: from,
      f: {
        kind: 'arp-reply',
        ethType: 'ARP',
        src: mac(peer.mac),
        dst: mac(from.mac),
        arp: { op: 2, sha: mac(peer.mac), spa: b, tha: mac(from.mac), tpa: a },
        ipSrc: null,
        ipDst: null,
      },
    });
  }
  frames.push({
    from,
    to: peer,
    f: {
      kind: 'ip',
      ethType: a !== null ? 'IPV4' : 'IPV6',
      src: mac(from.mac),
      dst: mac(peer.mac),
      arp: null,
      ipSrc: a,
      ipDst: b,
    },
  });
  return frames;
}

export interface L2Walk {
  action: 'ACCEPT' | 'DROP' | 'unknown';
  decided: L2Result | null; // the first frame not accepted; null when all were
  results: L2Result[];
}

// Every frame of the flow's start through every hop; the first drop (or unknown) decides.
export function walkL2Flow(t: ETable, flow: LiveFlowInput): L2Walk {
  const results: L2Result[] = [];
  for (const { f, from, to } of framesOf(flow)) {
    const bridge = from.bridge ?? to.bridge ?? 'vmbr0';
    for (const hop of l2HopsOf(from, to, bridge)) {
      const r = walkL2Hop(t, f, f.kind, hop);
      results.push(r);
      if (r.action !== 'ACCEPT') return { action: r.action, decided: r, results };
    }
  }
  return { action: 'ACCEPT', decided: null, results };
}
