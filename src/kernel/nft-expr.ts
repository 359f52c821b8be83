import { parseIp } from '../parse/ip.js';
import type { KPacket, Tri } from './types.js';

// nft expressions (libnftables-json(5)) evaluated for one packet at one hook. A value the packet
// does not carry (tcp dport of an ARP frame) fails the kernel's implicit protocol dependency, so the
// match is false whatever its operator; a key we do not model is 'unknown', never a guess.

export interface ArpInfo {
  op: 1 | 2; // request, reply
  sha: string | null; // sender MAC, lower case
  spa: string; // sender IPv4
  tha: string | null;
  tpa: string;
}

// A frame as a bridge port sees it: the IPv4/IPv6 packet of a flow, or an ARP request.
export interface NPacket {
  l3: 'ip' | 'ip6' | 'arp';
  srcMac: string | null; // lower case, colon separated; null = not known
  dstMac: string | null;
  ip: KPacket | null; // l3 ip or ip6
  arp: ArpInfo | null; // l3 arp
}

// A port name, or null for a port we cannot name (the uplink): never a guest's tap/veth/fw* device.
export type Iface = string | null;

export interface NHop {
  family: 'bridge' | 'ip'; // which tables see it: bridge, or inet + ip/ip6
  hook: 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
  where: string; // for the reader
  iif: Iface | undefined; // undefined: no input interface at this hook (output)
  oif: Iface | undefined;
  ibr: string | null; // bridge of the input / output port (bridge family)
  obr: string | null;
  pkttype: 'host' | 'otherhost' | 'broadcast' | 'multicast';
}

export interface NState {
  p: NPacket;
  hop: NHop;
  mark: number;
  ctmark: number;
  setElems: (name: string) => readonly unknown[] | null; // a named set or map of the rule's table
}

type V =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number; sym?: Readonly<Record<string, number>> }
  | { t: 'ip'; fam: 4 | 6; v: bigint }
  | { t: 'mac'; v: string }
  | { t: 'if'; v: Iface }
  | { t: 'cat'; v: V[] };

export const ABSENT = Symbol('absent'); // the packet has no such header: the match is false
export interface Unknown {
  unknown: string;
}
export type Val = V | typeof ABSENT | Unknown;
const unk = (why: string): Unknown => ({ unknown: why });
const isUnk = (x: unknown): x is Unknown => typeof x === 'object' && x !== null && 'unknown' in x;

const obj = (x: unknown): Record<string, unknown> | null =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : null;

const PROTO_NAME: Readonly<Record<number, string>> = { 1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp' };
const PROTO_NUM: Readonly<Record<string, number>> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, 'ipv6-icmp': 58, icmpv6: 58 };
const ICMP: Readonly<Record<string, number>> = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'router-advertisement': 9,
  'router-solicitation': 10,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
};
const ICMPV6: Readonly<Record<string, number>> = {
  'destination-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'nd-router-solicit': 133,
  'nd-router-advert': 134,
  'nd-neighbor-solicit': 135,
  'nd-neighbor-advert': 136,
  'nd-redirect': 137,
};
const TCP_FLAGS: Readonly<Record<string, number>> = {
  fin: 1,
  syn: 2,
  rst: 4,
  psh: 8,
  ack: 16,
  urg: 32,
  ecn: 64,
  cwr: 128,
};

const str = (v: string): V => ({ t: 'str', v });
const num = (v: number | null, sym?: Readonly<Record<string, number>>): Val =>
  v === null ? unk('value not known') : { t: 'num', v, ...(sym ? { sym } : {}) };
const ipv = (text: string | null): Val => {
  const a = text === null ? null : parseIp(text);
  return a ? { t: 'ip', fam: a.v, v: a.n } : unk('address not known');
};
const mac = (m: string | null): Val => (m ? { t: 'mac', v: m.toLowerCase() } : unk('MAC address not known'));

function ipText(p: KPacket, which: 'src' | 'dst'): string {
  if (p.v === 4) {
    const n = which === 'src' ? p.src4 : p.dst4;
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  const n = which === 'src' ? p.src6 : p.dst6;
  return n
    .toString(16)
    .padStart(32, '0')
    .replace(/(.{4})(?!$)/g, '$1:');
}

function l4(p: NPacket): string | null {
  return p.ip ? (PROTO_NAME[p.ip.proto] ?? String(p.ip.proto)) : null;
}

function meta(key: string, s: NState): Val {
  const { p, hop } = s;
  switch (key) {
    case 'iifname':
      return hop.iif === undefined ? ABSENT : { t: 'if', v: hop.iif };
    case 'oifname':
      return hop.oif === undefined ? ABSENT : { t: 'if', v: hop.oif };
    case 'ibrname':
    case 'ibridgename':
      return hop.ibr ? str(hop.ibr) : ABSENT;
    case 'obrname':
    case 'obridgename':
      return hop.obr ? str(hop.obr) : ABSENT;
    case 'protocol':
      return str(p.l3);
    case 'nfproto':
      return str(hop.family === 'bridge' ? 'bridge' : p.l3 === 'ip6' ? 'ipv6' : 'ipv4');
    case 'l4proto':
      return p.ip ? str(l4(p) as string) : ABSENT;
    case 'pkttype':
      return str(hop.pkttype);
    case 'mark':
      return num(s.mark);
    case 'iiftype':
    case 'oiftype':
      return str('ether');
    default:
      return unk(`meta ${key}`);
  }
}

function payload(proto: string, field: string, s: NState): Val {
  const { p } = s;
  const ip = p.ip;
  switch (proto) {
    case 'ether':
      if (field === 'saddr') return mac(p.srcMac);
      if (field === 'daddr') return mac(p.dstMac);
      if (field === 'type') return str(p.l3);
      break;
    case 'ip':
    case 'ip6':
      if (!ip || p.l3 !== proto) return ABSENT;
      if (field === 'saddr') return ipv(ipText(ip, 'src'));
      if (field === 'daddr') return ipv(ipText(ip, 'dst'));
      if (field === 'protocol' || field === 'nexthdr') return str(l4(p) as string);
      break;
    case 'tcp':
    case 'udp':
    case 'th':
      if (!ip || (proto === 'th' ? ip.proto !== 6 && ip.proto !== 17 : ip.proto !== PROTO_NUM[proto])) {
        return proto === 'th' && ip ? unk(`th ${field} of protocol ${l4(p)}`) : ABSENT;
      }
      if (field === 'sport') return num(ip.sport);
      if (field === 'dport') return num(ip.dport);
      if (field === 'flags' && ip.proto === 6) return num(ip.tcpFlags, TCP_FLAGS);
      break;
    case 'icmp':
    case 'icmpv6':
      if (!ip || ip.proto !== (proto === 'icmp' ? 1 : 58)) return ABSENT;
      if (field === 'type') return num(ip.icmpType, proto === 'icmp' ? ICMP : ICMPV6);
      if (field === 'code') return num(ip.icmpCode);
      break;
    case 'arp': {
      const a = p.arp;
      if (!a) return ABSENT;
      if (field === 'saddr ether') return mac(a.sha);
      if (field === 'daddr ether') return mac(a.tha);
      if (field === 'saddr ip') return ipv(a.spa);
      if (field === 'daddr ip') return ipv(a.tpa);
      if (field === 'operation') return str(a.op === 1 ? 'request' : 'reply');
      break;
    }
    case 'vlan':
      return ABSENT; // the frames of a flow are untagged at the guest's port
  }
  return unk(`${proto} ${field}`);
}

// The value of a left-hand expression for this packet.
export function evalExpr(e: unknown, s: NState): Val {
  const o = obj(e);
  if (!o) return unk(JSON.stringify(e));
  const m = obj(o.meta);
  if (m) return meta(String(m.key), s);
  const pl = obj(o.payload);
  if (pl) return pl.protocol ? payload(String(pl.protocol), String(pl.field), s) : unk('raw payload');
  const ct = obj(o.ct);
  if (ct && ct.dir === undefined) {
    if (ct.key === 'state') return s.p.ip ? str(s.p.ip.ctstate.toLowerCase()) : str('invalid');
    if (ct.key === 'mark') return num(s.ctmark);
    return unk(`ct ${ct.key}`);
  }
  if (Array.isArray(o.concat)) {
    const parts: V[] = [];
    for (const x of o.concat) {
      const v = evalExpr(x, s);
      if (v === ABSENT || isUnk(v)) return v;
      parts.push(v);
    }
    return { t: 'cat', v: parts };
  }
  if (Array.isArray(o['&'])) {
    const [a, b] = o['&'];
    const l = evalExpr(a, s);
    if (l === ABSENT || isUnk(l)) return l;
    if (l.t !== 'num') return unk('& on a non-number');
    const mask = numberOf(b, l.sym);
    return mask === null ? unk(`mask ${JSON.stringify(b)}`) : { ...l, v: l.v & mask };
  }
  return unk(JSON.stringify(e).slice(0, 80));
}

function numberOf(x: unknown, sym?: Readonly<Record<string, number>>): number | null {
  if (typeof x === 'number') return x;
  if (typeof x === 'string') {
    if (/^(0x[0-9a-f]+|\d+)$/i.test(x)) return Number(x);
    return sym?.[x] ?? PROTO_NUM[x] ?? null;
  }
  if (Array.isArray(x)) {
    let n = 0;
    for (const y of x) {
      const v = numberOf(y, sym);
      if (v === null) return null;
      n |= v;
    }
    return n;
  }
  return null;
}

const and = (a: Tri, b: Tri): Tri =>
  a === false || b === false ? false : a === 'unknown' || b === 'unknown' ? 'unknown' : true;

function glob(pattern: string, name: string): boolean {
  return pattern.endsWith('*') && !pattern.endsWith('\\*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

// Whether a value equals (or falls in) one right-hand element.
export function elemMatch(l: V, r: unknown, s: NState): Tri {
  if (typeof r === 'string' && r.startsWith('@')) return inSet(l, r.slice(1), s);
  const o = obj(r);
  if (o) {
    if (Array.isArray(o.set)) return anyOf(l, o.set, s);
    if (obj(o.elem)) return elemMatch(l, (o.elem as Record<string, unknown>).val, s);
    const pre = obj(o.prefix);
    if (pre) {
      if (l.t !== 'ip') return 'unknown';
      const a = parseIp(String(pre.addr));
      const len = Number(pre.len);
      if (!a || a.v !== l.fam) return a ? false : 'unknown';
      const bits = l.fam === 4 ? 32 : 128;
      const shift = BigInt(bits - len);
      return l.v >> shift === a.n >> shift;
    }
    if (Array.isArray(o.range)) {
      const [lo, hi] = o.range;
      if (l.t === 'ip') {
        const a = parseIp(String(lo));
        const b = parseIp(String(hi));
        return a && b ? a.v === l.fam && l.v >= a.n && l.v <= b.n : 'unknown';
      }
      if (l.t === 'num') {
        const a = numberOf(lo, l.sym);
        const b = numberOf(hi, l.sym);
        return a === null || b === null ? 'unknown' : l.v >= a && l.v <= b;
      }
      return 'unknown';
    }
    if (Array.isArray(o.concat)) {
      if (l.t !== 'cat' || l.v.length !== o.concat.length) return 'unknown';
      let res: Tri = true;
      for (let i = 0; i < l.v.length && res !== false; i++) res = and(res, elemMatch(l.v[i] as V, o.concat[i], s));
      return res;
    }
    return 'unknown';
  }
  if (Array.isArray(r)) {
    // a flag list: ct state established,related / tcp flags syn|ack
    if (l.t === 'num') {
      const n = numberOf(r, l.sym);
      return n === null ? 'unknown' : l.v === n;
    }
    return anyOf(l, r, s);
  }
  switch (l.t) {
    case 'str':
      return typeof r === 'number' ? PROTO_NUM[l.v] === r : l.v === String(r);
    case 'num': {
      const n = numberOf(r, l.sym);
      return n === null ? 'unknown' : l.v === n;
    }
    case 'ip': {
      const a = parseIp(String(r));
      return a ? a.v === l.fam && a.n === l.v : 'unknown';
    }
    case 'mac':
      return l.v === String(r).toLowerCase();
    case 'if': {
      const name = String(r);
      if (l.v !== null) return glob(name, l.v);
      // the uplink: not a guest port, not loopback, not a bridge; any other name we cannot tell
      return /^(tap|veth|fwln|fwpr|fwbr|vmbr|lo$)/.test(name) ? false : 'unknown';
    }
    case 'cat':
      return 'unknown';
  }
}

function anyOf(l: V, elems: readonly unknown[], s: NState): Tri {
  let res: Tri = false;
  for (const e of elems) {
    const m = elemMatch(l, e, s);
    if (m === true) return true;
    if (m === 'unknown') res = 'unknown';
  }
  return res;
}

function inSet(l: V, name: string, s: NState): Tri {
  const elems = s.setElems(name);
  if (elems === null) return 'unknown';
  return anyOf(l, elems, s);
}

// One "match" statement: {left, op, right}.
export function evalMatch(m: Record<string, unknown>, s: NState): Tri | Unknown {
  const l = evalExpr(m.left, s);
  if (l === ABSENT) return false;
  if (isUnk(l)) return l;
  const op = String(m.op ?? '==');
  if (op === '==' || op === 'in' || op === '!=') {
    let hit: Tri;
    if (op === 'in' && l.t === 'num' && Array.isArray(m.right)) {
      const mask = numberOf(m.right, l.sym);
      hit = mask === null ? 'unknown' : (l.v & mask) !== 0;
    } else hit = elemMatch(l, m.right, s);
    return op === '!=' && hit !== 'unknown' ? !hit : hit;
  }
  if (l.t !== 'num') return unk(`${op} on a non-number`);
  const r = numberOf(m.right, l.sym);
  if (r === null) return unk(`${op} ${JSON.stringify(m.right)}`);
  if (op === '<') return l.v < r;
  if (op === '>') return l.v > r;
  if (op === '<=') return l.v <= r;
  if (op === '>=') return l.v >= r;
  return unk(`operator ${op}`);
}

// A verdict map lookup: the verdict of the first element whose key matches, null when none does.
export function lookupVerdict(key: unknown, data: unknown, s: NState): { verdict: unknown } | null | Unknown {
  const l = evalExpr(key, s);
  if (l === ABSENT) return null;
  if (isUnk(l)) return l;
  let elems: readonly unknown[] | null = null;
  if (typeof data === 'string' && data.startsWith('@')) elems = s.setElems(data.slice(1));
  else if (Array.isArray(obj(data)?.set)) elems = (obj(data) as { set: unknown[] }).set;
  if (elems === null) return unk(`verdict map ${JSON.stringify(data)}`);
  let open = false;
  for (const e of elems) {
    if (!Array.isArray(e) || e.length !== 2) return unk('verdict map element');
    const m = elemMatch(l, e[0], s);
    if (m === true && !open) return { verdict: e[1] };
    if (m === 'unknown') open = true;
  }
  return open ? unk(`${JSON.stringify(key)} against the map's keys`) : null;
}

export { isUnk };
