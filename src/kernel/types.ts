import type { IpsetIndex } from '../firewall/ipset-index.js';

// The live ruleset as the kernel holds it (iptables-save / ipset save / ebtables-save), parsed.

// Why a match can be 'unknown': the walk must say so and name the rule, never guess.
export type Tri = boolean | 'unknown';

export interface KPacket {
  v: 4 | 6;
  src4: number;
  dst4: number;
  src6: bigint;
  dst6: bigint;
  proto: number; // 6 tcp, 17 udp, 1 icmp, 58 icmpv6
  sport: number | null;
  dport: number | null;
  tcpFlags: number; // FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32
  icmpType: number | null;
  icmpCode: number | null;
  ctstate: 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';
  srcMac: string | null; // upper case, colon separated; null = unknown
  srcType: string; // addrtype: UNICAST, LOCAL, BROADCAST, MULTICAST
  dstType: string;
}

// One traversal of a filter-table hook: what the packet looks like at that bridge or interface.
export interface Hop {
  hook: 'INPUT' | 'FORWARD' | 'OUTPUT';
  where: string; // for the reader: "fwbr1001i0", "vmbr0", "host"
  inIface: string | null;
  outIface: string | null;
  physIn: string | null; // bridge port the frame entered on (null: not bridged in, or unknown uplink)
  physOut: string | null;
  bridged: boolean; // --physdev-is-bridged: forwarded by a bridge, not delivered to the host
}

// Per-packet state a rule can change or test.
export interface WalkState {
  p: KPacket;
  hop: Hop;
  mark: number;
  connmark: number;
}

export interface MatchCtx {
  ipsets: ReadonlyMap<string, KIpset> | null; // null: `ipset save` was not collected
}

export type Matcher = (s: WalkState) => Tri;

export interface KMatch {
  text: string; // as written, for messages
  known: boolean; // false: a match the walk does not understand
  test: Matcher;
  // A cheap index key: this match requires exactly this bridge port (no wildcard, no negation).
  physOut?: string;
  physIn?: string;
  // The same test as plain data, which the walk runs inline instead of calling `test` (hot path).
  inline?: Inline;
}

// A match the walk can test as a field comparison; it must mean exactly what `test` computes.
export type Inline =
  | { k: 'proto'; proto: number }
  | { k: 'states'; bits: number }
  | { k: 'src4' | 'dst4'; base: number; mask: number }
  | { k: 'dport' | 'sport'; lo: number; hi: number; proto: number }
  | { k: 'physIn' | 'physOut'; name: string }
  | { k: 'bridged' };

// A rule's inline tests, compiled once (field -1 / null / false: no such condition).
export interface KPre {
  proto: number;
  states: number;
  src4Mask: number; // -1: no source condition; else the packet must be v4 with (src & mask) === base
  src4Base: number;
  dst4Mask: number;
  dst4Base: number;
  dportLo: number; // -1: no condition; else proto must be dportProto and dport within [lo, hi]
  dportHi: number;
  dportProto: number;
  sportLo: number;
  sportHi: number;
  sportProto: number;
  physIn: string | null;
  physOut: string | null;
  bridged: boolean;
}

export type KTarget =
  | { kind: 'verdict'; action: 'ACCEPT' | 'DROP' | 'REJECT'; text: string }
  | { kind: 'return'; text: string }
  | { kind: 'jump'; chain: string; goto: boolean; text: string }
  | { kind: 'mark'; op: 'xmark' | 'restore' | 'save'; xor: number; mask: number; conn: boolean; text: string }
  | { kind: 'continue'; text: string } // LOG, NFLOG, comment-only rules and the like
  | { kind: 'none'; text: '' } // no target: counts, changes nothing
  | { kind: 'unknown'; text: string };

export interface KRule {
  chain: string;
  pos: number; // 1-based position in its chain
  line: number; // 1-based line in the evidence file
  text: string; // "-A chain ..." without the counters
  spec: string; // the rule without "-A chain ": what `iptables -D chain <spec>` takes
  packets: number | null;
  bytes: number | null;
  matches: KMatch[];
  target: KTarget;
  unknown: string | null; // the first match the walk does not understand
  pvesig: string | null; // the PVESIG comment's value, for the signature rule
  // Necessary conditions read off the matches, tested inline before any match runs (hot path):
  proto: number; // -p N (not negated), else -1
  states: number; // conntrack/state bits required (not negated), else 0
  pre: KPre; // the matches the walk tests inline (they imply proto and states above)
  rest: KMatch[]; // the matches it still calls, in order
}

export const CT_BITS: Readonly<Record<string, number>> = {
  NEW: 1,
  ESTABLISHED: 2,
  RELATED: 4,
  INVALID: 8,
  UNTRACKED: 16,
};

export interface KChain {
  name: string;
  policy: 'ACCEPT' | 'DROP' | null; // null: a user chain
  rules: KRule[];
  packed: Int32Array; // every rule's `pre`, packed for the walk (compile.ts); built with the table
  // Rule indexes (0-based) worth testing for a given bridge port, when the chain is large.
  byPhysOut?: Map<string, number[]>;
  byPhysIn?: Map<string, number[]>;
  rest?: number[];
}

export interface KTable {
  backend: 'iptables';
  family: 4 | 6;
  file: string;
  chains: Map<string, KChain>;
  ports: Map<string, number>; // bridge port name -> the number `packed` uses for it
}

export interface KIpset {
  name: string;
  type: string; // hash:net, hash:ip, ...
  family: 4 | 6;
  index: IpsetIndex;
  entries: string[];
}

export interface KIssue {
  file: string;
  line: number | null;
  message: string;
}
