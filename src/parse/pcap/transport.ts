import { u16, u32 } from './bytes.js';
import { decodeIp } from './ip.js';
import type { DecodedPacket, IpHeader } from './packet.js';

// TCP, UDP, ICMP and ICMPv6 headers on top of an already decoded IP header.

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

function isEcho(proto: number, type: number): boolean {
  if (proto === PROTO_ICMP) return type === 0 || type === 8;
  return proto === PROTO_ICMPV6 && (type === 128 || type === 129);
}

// Ports, or for ICMP echo the identifier on both sides, so concurrent pings are separate flows.
function ports(b: Buffer, h: IpHeader): void {
  if (h.fragment || h.l4End - h.l4Off < 4) return;
  if (h.proto === PROTO_TCP || h.proto === PROTO_UDP || h.proto === 132 /* SCTP */) {
    h.sport = u16(b, h.l4Off);
    h.dport = u16(b, h.l4Off + 2);
  } else if (h.l4End - h.l4Off >= 8 && isEcho(h.proto, b[h.l4Off]!)) {
    h.sport = u16(b, h.l4Off + 4);
    h.dport = h.sport;
  }
}

// ICMP errors quote the offending packet's IP header plus at least 8 bytes of it: enough for ports.
function isIcmpError(proto: number, type: number): boolean {
  if (proto === PROTO_ICMP) return type === 3 || type === 11 || type === 12 || type === 4 || type === 5;
  return type >= 1 && type <= 4;
}

export function decodeTransport(p: DecodedPacket): void {
  const h = p.ip;
  const b = p.buf;
  if (h.fragment) return;
  const o = h.l4Off;
  const avail = h.l4End - o;
  if (h.proto === PROTO_TCP) {
    if (avail < 20) return;
    ports(b, h);
    p.seq = u32(b, o + 4);
    p.ack = u32(b, o + 8);
    const dataOff = (b[o + 12]! >> 4) * 4;
    p.tcpFlags = b[o + 13]!;
    p.payOff = Math.min(o + dataOff, h.l4End);
    p.payEnd = h.l4End;
    p.payLen = Math.max(0, h.l4Len - dataOff);
  } else if (h.proto === PROTO_UDP) {
    if (avail < 8) return;
    ports(b, h);
    p.payOff = o + 8;
    p.payEnd = h.l4End;
    p.payLen = Math.max(0, h.l4Len - 8);
  } else if (h.proto === PROTO_ICMP || h.proto === PROTO_ICMPV6) {
    if (avail < 4) return;
    p.icmpType = b[o]!;
    p.icmpCode = b[o + 1]!;
    p.payLen = h.l4Len;
    if (avail >= 8 + 20 && isIcmpError(h.proto, p.icmpType)) {
      const q = p.quoted;
      q.sport = -1;
      q.dport = -1;
      if (decodeIp(b, o + 8, h.l4End, 0, q)) ports(b, q);
      else q.version = 0;
    } else ports(b, h);
  } else {
    ports(b, h);
  }
}
