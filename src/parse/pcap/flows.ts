import type { PacketEvent } from '../../schema/observe.js';
import { formatAddress, type ParsedAddress, parseAddress, sameAddress } from './addr.js';
import { FlowState, MAX_EVENTS_PER_FLOW, round6 } from './flow-state.js';
import { icmpSummary, isUnreachable, protoName, tcpFlagLetters, tcpSummary } from './names.js';
import type { DecodedPacket, IpHeader } from './packet.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './packet.js';
import { isoTime } from './time.js';
import { TlsSniffer } from './tls.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP } from './transport.js';

// Groups packets into flows per 5-tuple (both directions), keyed by a numeric hash with chaining so
// that looking up a flow allocates nothing. Memory is bounded by MAX_FLOWS and MAX_EVENTS.

const MAX_FLOWS = 50000;
const MAX_EVENTS = 100000;

function endHash(w: Uint32Array, port: number): number {
  let h = Math.imul(w[0]! ^ 0x2545f491, 0x85ebca6b) ^ Math.imul(w[1]!, 0xc2b2ae35);
  h ^= Math.imul(w[2]!, 0x27d4eb2f) ^ Math.imul(w[3]!, 0x165667b1) ^ Math.imul(port + 2, 0x9e3779b1);
  return h ^ (h >>> 15);
}

export class FlowTable {
  readonly flows: FlowState[] = [];
  nonIp = 0;
  filtered = 0;
  overflowFlows = 0; // flows not tracked because MAX_FLOWS was reached
  eventsDropped = false;
  private events = 0;
  private dir: 0 | 1 = 0; // direction found by the last lookup/create
  private label: string | null = null; // TLS label found by the last tcp()
  private readonly index = new Map<number, FlowState>();
  private readonly hosts: ParsedAddress[] | null;

  constructor(
    hosts: string[] | undefined,
    private readonly nanosecond: () => boolean,
  ) {
    this.hosts = hosts && hosts.length > 0 ? hosts.map(parseAddress).filter((h) => h !== null) : null;
  }

  add(p: DecodedPacket): void {
    const ip = p.ip;
    if (ip.version === 0) {
      this.nonIp++;
      return;
    }
    const quoted = p.quoted.version !== 0 ? p.quoted : null;
    const key = quoted ?? ip;
    let f = this.lookup(key);
    if (!f) {
      f = this.create(key, p, quoted !== null);
      if (!f) return;
    }
    // An ICMP error travels towards the quoted packet's sender: the opposite direction.
    const dir: 0 | 1 = quoted ? (this.dir === 0 ? 1 : 0) : this.dir;
    f.packets++;
    f.lastSec = p.tsSec;
    f.lastFrac = p.tsFrac;
    let retrans = false;
    let label: string | null = null;
    if (quoted) {
      label = icmpSummary(ip.proto, p.icmpType, p.icmpCode);
      if (isUnreachable(ip.proto, p.icmpType, p.icmpCode)) {
        f.icmpUnreachable++;
        f.icmpCode = p.icmpCode;
        f.icmpFrom = formatAddress(ip.version, ip.src);
      }
    } else {
      f.sawData[dir] = true;
      if (ip.proto === PROTO_TCP) {
        this.label = null;
        retrans = this.tcp(f, dir, p);
        label = this.label;
      } else f.bytes[dir]! += p.payLen;
    }
    if (retrans) f.retransmissions++;
    if (f.events.length < MAX_EVENTS_PER_FLOW) this.event(f, dir, p, label, retrans);
  }

  // Returns whether the segment is a retransmission; a TLS label, if any, goes to this.label.
  private tcp(f: FlowState, dir: 0 | 1, p: DecodedPacket): boolean {
    const fl = p.tcpFlags;
    let retrans = false;
    if (fl & TCP_SYN) {
      if (!(fl & TCP_ACK) && dir === 0) {
        f.syn++;
        f.recordSyn(p.t);
        retrans = f.seenSeq(f.synSeqs, p.seq);
      } else if (fl & TCP_ACK && dir === 1) {
        f.synAck++;
        retrans = f.seenSeq(f.synAckSeqs, p.seq);
      }
      f.hasNext[dir] = true;
      f.nextSeq[dir] = (p.seq + 1) >>> 0;
    } else {
      if (fl & TCP_ACK && dir === 0 && f.synAck > 0 && !(fl & TCP_RST)) f.handshake = true;
      if (p.payLen > 0 || fl & TCP_FIN) {
        const order = f.advance(dir, p.seq, p.payLen, (fl & TCP_FIN) !== 0);
        retrans = order === 1;
        if (order === 0 && p.payLen > 0) this.label = this.tls(f, dir, p);
      }
    }
    if (fl & TCP_RST) {
      f.rst++;
      f.rstFrom ??= dir === 0 ? 'client' : 'server';
    }
    if (!retrans) f.bytes[dir]! += p.payLen;
    return retrans;
  }

  private tls(f: FlowState, dir: 0 | 1, p: DecodedPacket): string | null {
    if (!f.tlsDecided) {
      if (dir !== 0) return null;
      f.tlsDecided = true;
      if (p.buf[p.payOff] === 22) f.tls = new TlsSniffer();
    }
    if (!f.tls?.wants(dir)) return null;
    return f.tls.feed(dir, p.buf, p.payOff, p.payEnd);
  }

  private event(f: FlowState, dir: 0 | 1, p: DecodedPacket, label: string | null, retrans: boolean): void {
    if (this.events >= MAX_EVENTS) {
      this.eventsDropped = true;
      return;
    }
    this.events++;
    const ip = p.ip;
    const tcp = ip.proto === PROTO_TCP;
    const icmp = ip.proto === PROTO_ICMP || ip.proto === PROTO_ICMPV6;
    let summary = label;
    if (summary === null) {
      if (tcp) summary = tcpSummary(p.tcpFlags, p.payLen);
      else if (icmp) summary = icmpSummary(ip.proto, p.icmpType, p.icmpCode);
      else if (ip.fragment) summary = 'IP fragment';
      else summary = `${protoName(ip.proto) === 'other' ? `IP proto ${ip.proto}` : 'UDP'} ${p.payLen} B`;
    }
    const e: PacketEvent = {
      t: round6(p.t),
      ts: isoTime(p.tsSec, p.tsFrac, this.nanosecond()),
      src: formatAddress(ip.version, ip.src),
      dst: formatAddress(ip.version, ip.dst),
      sport: ip.sport >= 0 && !icmp ? ip.sport : null,
      dport: ip.dport >= 0 && !icmp ? ip.dport : null,
      proto: protoName(ip.proto),
      flags: tcp ? tcpFlagLetters(p.tcpFlags) : null,
      summary,
      retransmission: retrans,
      length: p.origLen,
      dir: dir === 0 ? 'forward' : 'reverse',
    };
    f.events.push(e);
  }

  private lookup(h: IpHeader): FlowState | null {
    let f = this.index.get(this.hash(h)) ?? null;
    while (f) {
      const d = f.matches(h.version, h.proto, h.src, h.sport, h.dst, h.dport);
      if (d !== -1) {
        this.dir = d;
        return f;
      }
      f = f.next;
    }
    return null;
  }

  private hash(h: IpHeader): number {
    return (endHash(h.src, h.sport) ^ endHash(h.dst, h.dport) ^ Math.imul(h.proto + 1, 0x27d4eb2f)) >>> 0;
  }

  private wanted(h: IpHeader): boolean {
    if (!this.hosts) return true;
    return this.hosts.some(
      (a) => a.version === h.version && (sameAddress(a.words, h.src) || sameAddress(a.words, h.dst)),
    );
  }

  private create(h: IpHeader, p: DecodedPacket, fromQuote: boolean): FlowState | null {
    if (!this.wanted(h)) {
      this.filtered++;
      return null;
    }
    if (this.flows.length >= MAX_FLOWS) {
      this.overflowFlows++;
      return null;
    }
    // The client sent the first SYN; a SYN-ACK or echo reply seen first was sent by the server.
    const reply =
      !fromQuote &&
      ((h.proto === PROTO_TCP && (p.tcpFlags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) ||
        (h.proto === PROTO_ICMP && p.icmpType === 0) ||
        (h.proto === PROTO_ICMPV6 && p.icmpType === 129));
    const [c, cp, s, sp] = reply ? [h.dst, h.dport, h.src, h.sport] : [h.src, h.sport, h.dst, h.dport];
    const v = h.version as 4 | 6;
    const f = new FlowState(v, h.proto, cp, sp, formatAddress(v, c), formatAddress(v, s));
    f.cw.set(c);
    f.sw.set(s);
    f.firstT = p.t;
    f.firstSec = p.tsSec;
    f.firstFrac = p.tsFrac;
    const k = this.hash(h);
    f.next = this.index.get(k) ?? null;
    this.index.set(k, f);
    this.flows.push(f);
    this.dir = reply ? 1 : 0;
    return f;
  }
}
