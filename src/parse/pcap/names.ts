import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from './packet.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from './transport.js';

// Human names for packets, as shown in reports and sequence diagrams.

export type ProtoName = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'other';

export function protoName(proto: number): ProtoName {
  if (proto === PROTO_TCP) return 'tcp';
  if (proto === PROTO_UDP) return 'udp';
  if (proto === PROTO_ICMP) return 'icmp';
  if (proto === PROTO_ICMPV6) return 'icmpv6';
  return 'other';
}

// Compact flags as the schema wants them: "S", "SA", "RA", "PA", "FA".
export function tcpFlagLetters(flags: number): string {
  let s = '';
  if (flags & TCP_SYN) s += 'S';
  if (flags & TCP_FIN) s += 'F';
  if (flags & TCP_RST) s += 'R';
  if (flags & TCP_PSH) s += 'P';
  if (flags & TCP_URG) s += 'U';
  if (flags & TCP_ACK) s += 'A';
  return s;
}

// "SYN", "SYN-ACK", "RST-ACK", "PSH-ACK 517 B", "ACK".
export function tcpSummary(flags: number, payLen: number): string {
  const parts: string[] = [];
  if (flags & TCP_SYN) parts.push('SYN');
  if (flags & TCP_FIN) parts.push('FIN');
  if (flags & TCP_RST) parts.push('RST');
  if (flags & TCP_PSH) parts.push('PSH');
  if (flags & TCP_URG) parts.push('URG');
  if (flags & TCP_ACK) parts.push('ACK');
  const name = parts.length > 0 ? parts.join('-') : 'no flags';
  return payLen > 0 ? `${name} ${payLen} B` : name;
}

const V4_UNREACH: Record<number, string> = {
  0: 'net unreachable',
  1: 'host unreachable',
  2: 'protocol unreachable',
  3: 'port unreachable',
  4: 'fragmentation needed',
  5: 'source route failed',
  6: 'net unknown',
  7: 'host unknown',
  9: 'net prohibited',
  10: 'host prohibited',
  13: 'admin prohibited',
};

const V6_UNREACH: Record<number, string> = {
  0: 'no route',
  1: 'admin prohibited',
  2: 'beyond scope',
  3: 'address unreachable',
  4: 'port unreachable',
  5: 'failed ingress policy',
  6: 'reject route',
};

const V4_TYPES: Record<number, string> = { 0: 'echo reply', 8: 'echo request', 11: 'time exceeded', 5: 'redirect' };
const V6_TYPES: Record<number, string> = {
  2: 'packet too big',
  3: 'time exceeded',
  128: 'echo request',
  129: 'echo reply',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbour solicitation',
  136: 'neighbour advertisement',
};

// True for the messages that mean "this flow was refused on the way": not PMTU or time exceeded.
export function isUnreachable(proto: number, type: number, code: number): boolean {
  if (proto === PROTO_ICMP) return type === 3 && code !== 4;
  return proto === PROTO_ICMPV6 && type === 1;
}

export function icmpSummary(proto: number, type: number, code: number): string {
  const v6 = proto === PROTO_ICMPV6;
  const prefix = v6 ? 'ICMPv6' : 'ICMP';
  if ((!v6 && type === 3) || (v6 && type === 1)) {
    const name = (v6 ? V6_UNREACH : V4_UNREACH)[code];
    return `${prefix} ${name ?? `unreachable code ${code}`}`;
  }
  const name = (v6 ? V6_TYPES : V4_TYPES)[type];
  return `${prefix} ${name ?? `type ${type} code ${code}`}`;
}
