import type { PacketEvent } from '../../schema/observe.js';
import { sameAddress } from './addr.js';
import type { TlsSniffer } from './tls.js';

// Per-flow aggregates: counters and the first events, never the packets themselves.

export const MAX_EVENTS_PER_FLOW = 200;
const MAX_SEQS = 8;
const MAX_SYN_TIMES = 64;

export class FlowState {
  next: FlowState | null = null; // hash-chain link
  readonly cw = new Uint32Array(4); // client address words
  readonly sw = new Uint32Array(4); // server address words
  packets = 0;
  syn = 0;
  synAck = 0;
  rst = 0;
  rstFrom: 'client' | 'server' | null = null;
  icmpUnreachable = 0;
  icmpCode: number | null = null;
  icmpFrom: string | null = null;
  handshake = false;
  readonly bytes = [0, 0];
  readonly sawData = [false, false]; // any non-ICMP-error packet per direction
  readonly nextSeq = [0, 0];
  readonly hasNext = [false, false];
  retransmissions = 0;
  readonly synSeqs: number[] = [];
  readonly synAckSeqs: number[] = [];
  readonly synTimes: number[] = [];
  tlsDecided = false; // the client's first payload said whether this is TLS
  tls: TlsSniffer | null = null;
  firstT = 0;
  firstSec = 0;
  firstFrac = 0;
  lastSec = 0;
  lastFrac = 0;
  readonly events: PacketEvent[] = [];

  constructor(
    readonly version: 4 | 6,
    readonly proto: number,
    readonly clientPort: number,
    readonly serverPort: number,
    readonly client: string,
    readonly server: string,
  ) {}

  matches(version: number, proto: number, a: Uint32Array, ap: number, b: Uint32Array, bp: number): 0 | 1 | -1 {
    if (version !== this.version || proto !== this.proto) return -1;
    if (ap === this.clientPort && bp === this.serverPort && sameAddress(a, this.cw) && sameAddress(b, this.sw))
      return 0;
    if (ap === this.serverPort && bp === this.clientPort && sameAddress(a, this.sw) && sameAddress(b, this.cw))
      return 1;
    return -1;
  }

  // Seen before = a retransmission of the same SYN (or SYN-ACK); remembers the sequence number.
  seenSeq(list: number[], seq: number): boolean {
    if (list.includes(seq)) return true;
    if (list.length < MAX_SEQS) list.push(seq);
    return false;
  }

  recordSyn(t: number): void {
    if (this.synTimes.length < MAX_SYN_TIMES) this.synTimes.push(round6(t - this.firstT));
  }

  // Data retransmission when the segment brings no byte beyond what this side already sent.
  // Returns 1 = retransmission, 0 = in order, 2 = new data after a gap (not fed to the TLS sniffer).
  advance(dir: 0 | 1, seq: number, len: number, fin: boolean): 0 | 1 | 2 {
    const end = (seq + len + (fin ? 1 : 0)) >>> 0;
    if (!this.hasNext[dir]) {
      this.hasNext[dir] = true;
      this.nextSeq[dir] = end;
      return 0;
    }
    if (len > 0 && ((end - this.nextSeq[dir]!) | 0) <= 0) return 1;
    const inOrder = seq === this.nextSeq[dir];
    if (((end - this.nextSeq[dir]!) | 0) > 0) this.nextSeq[dir] = end;
    return inOrder ? 0 : 2;
  }
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
