import { icmpType, SERVICES } from '../parse/fw-tables.js';
import { parseIp } from '../parse/ip.js';

// Value syntax shared by the iptables and ebtables parsers: addresses, ports, marks.

export const PROTO_NUMBERS: Readonly<Record<string, number>> = {
  all: 0,
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  'ipv6-icmp': 58,
  sctp: 132,
  udplite: 136,
};

export function protoNumber(text: string): number | null {
  const t = text.toLowerCase();
  if (/^\d{1,3}$/.test(t)) return Number(t) <= 255 ? Number(t) : null;
  return PROTO_NUMBERS[t] ?? null;
}

// An address match as a test on the packet's v4 number / v6 bigint.
export interface AddrTest {
  v: 4 | 6;
  base4: number;
  mask4: number;
  base6: bigint;
  mask6: bigint;
}

function bitsFromMask(text: string): number | null {
  const ip = parseIp(text);
  if (ip?.v !== 4) return null;
  const n = Number(ip.n);
  let bits = 0;
  while (bits < 32 && ((n >>> (31 - bits)) & 1) === 1) bits++;
  return (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0) === n ? bits : null;
}

// "10.0.0.12/32", "10.0.0.0/24", "10.0.0.0/255.255.255.0", "10.0.0.12", "fd00::/8"
export function parseAddr(text: string): AddrTest | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return null;
  const max = ip.v === 4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const b = text.slice(slash + 1);
    const n = /^\d{1,3}$/.test(b) ? Number(b) : ip.v === 4 ? bitsFromMask(b) : null;
    if (n === null || n > max) return null;
    bits = n;
  }
  if (ip.v === 4) {
    const mask4 = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return { v: 4, base4: (Number(ip.n) & mask4) >>> 0, mask4, base6: 0n, mask6: 0n };
  }
  const mask6 = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
  return { v: 6, base4: 0, mask4: 0, base6: ip.n & mask6, mask6 };
}

export function addrHas(a: AddrTest, v: 4 | 6, n4: number, n6: bigint): boolean {
  if (a.v !== v) return false;
  return v === 4 ? (n4 & a.mask4) >>> 0 === a.base4 : (n6 & a.mask6) === a.base6;
}

function portNumber(text: string): number | null {
  if (/^\d{1,5}$/.test(text)) return Number(text) <= 65535 ? Number(text) : null;
  return SERVICES[text] ?? null;
}

// "443", "1024:65535", ":1023", "1024:" (and pve's "1024-2048") -> [lo, hi]
export function parsePortRange(text: string): [number, number] | null {
  const m = /^([^:-]*)[:-]([^:-]*)$/.exec(text);
  if (!m) {
    const n = portNumber(text);
    return n === null ? null : [n, n];
  }
  const lo = m[1] === '' ? 0 : portNumber(m[1] as string);
  const hi = m[2] === '' ? 65535 : portNumber(m[2] as string);
  return lo === null || hi === null || lo > hi ? null : [lo, hi];
}

// A multiport list, flat [lo, hi, lo, hi, ...]
export function parsePortList(text: string): number[] | null {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const r = parsePortRange(part);
    if (!r) return null;
    out.push(r[0], r[1]);
  }
  return out;
}

export function inRanges(flat: readonly number[], port: number): boolean {
  for (let i = 0; i < flat.length; i += 2)
    if (port >= (flat[i] as number) && port <= (flat[i + 1] as number)) return true;
  return false;
}

// "0x3e9/0xffffffff", "0x80000000", "1001"
export function parseMark(text: string): { value: number; mask: number } | null {
  const [v, m] = text.split('/');
  const num = (s: string | undefined) =>
    s === undefined
      ? null
      : /^0x[0-9a-f]{1,8}$/i.test(s)
        ? Number.parseInt(s, 16)
        : /^\d{1,10}$/.test(s)
          ? Number(s)
          : null;
  const value = num(v);
  const mask = m === undefined ? 0xffffffff : num(m);
  if (value === null || mask === null || value > 0xffffffff || mask > 0xffffffff) return null;
  return { value: value >>> 0, mask: mask >>> 0 };
}

export function parseIcmp(text: string, v: 4 | 6): { type: number; code: number | null } | null {
  return icmpType(text, v);
}

const TCP_FLAGS: Readonly<Record<string, number>> = {
  FIN: 1,
  SYN: 2,
  RST: 4,
  PSH: 8,
  ACK: 16,
  URG: 32,
  ECE: 64,
  CWR: 128,
  ALL: 255,
  NONE: 0,
};

export function parseTcpFlags(text: string): number | null {
  let n = 0;
  for (const f of text.toUpperCase().split(',')) {
    const b = TCP_FLAGS[f];
    if (b === undefined) return null;
    n |= b;
  }
  return n;
}

// Bridge port names: "fwln+" matches every name starting with "fwln".
export function ifaceTest(pattern: string): (name: string | null) => boolean {
  if (pattern.endsWith('+')) {
    const prefix = pattern.slice(0, -1);
    return (name) => (name ?? '').startsWith(prefix) && name !== null;
  }
  return (name) => name === pattern;
}

export function normMac(text: string): string | null {
  const parts = text.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-f]{1,2}$/i.test(p))) return null;
  return parts.map((p) => p.padStart(2, '0').toUpperCase()).join(':');
}
