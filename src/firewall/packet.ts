import type { IcmpType } from '../parse/fw-tables.js';
import type { Action } from '../schema/common.js';
import type { SimResult } from '../schema/pve.js';
import type { Reason } from '../schema/reason.js';

export interface Packet {
  v: 4 | 6;
  src4: number;
  dst4: number;
  src6: bigint;
  dst6: bigint;
  proto: number;
  protoName: string;
  dport: number | null;
  sport: number | null;
  icmp: IcmpType | null;
  icmpText: string | null; // the ICMP type as given in the flow
  srctype: string;
  dsttype: string;
  source: string;
  dest: string;
}

export type DecidedBy = SimResult['decidedBy'];

export interface Decision {
  action: Action;
  decidedBy: DecidedBy;
  reason: Reason; // the same decision as data; simulate() adds the side of the flow
  weak?: boolean; // a pass nothing in particular accepted (e.g. plain bridge FORWARD)
}

// Mutable state of one simulated packet: its trace and the accept mark (per packet, as in the
// kernel; unlike FirewallSimulator.pm, which never resets it between simulations).
export interface Walk {
  p: Packet;
  trace: string[];
  mark: boolean;
  noted: Set<string> | null;
}

export function note(w: Walk, text: string): void {
  w.noted ??= new Set();
  if (w.noted.has(text)) return;
  w.noted.add(text);
  w.trace.push(`note: ${text}`);
}
