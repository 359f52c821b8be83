import type { IcmpType } from '../parse/fw-tables.js';
import type { Action } from '../schema/common.js';
import type { FwRule } from '../schema/pve.js';
import type { IpsetIndex } from './ipset-index.js';

// A rule compiled for matching, and the scope its names resolve in. Kept apart from types.ts so that
// the rule index and the matchers can use it without importing the whole model's types.

export interface AddrMatcher {
  has4(n: number): boolean;
  has6(n: bigint): boolean;
  readonly nomatch?: boolean; // an ipset with nomatch entries (pve-firewall simulate aborts on those)
}

export interface CRule {
  rule: FwRule;
  family: 0 | 4 | 6; // 0 = both rulesets
  iface: string | null;
  ifaceWild: boolean; // trailing "+"
  proto: number | null;
  dports: number[] | null; // flat [lo, hi, lo, hi, ...]
  sports: number[] | null;
  icmp: IcmpType | null;
  icmpText: string | null; // the type as written (pve-firewall simulate compares this string)
  src: AddrMatcher | null;
  dst: AddrMatcher | null;
  target: { kind: 'verdict'; action: Action } | { kind: 'group'; name: string };
  // Why the real `pve-firewall simulate` would abort on reaching this rule, if it would.
  simNote: string | null;
}

// Where names in a rule resolve: the guest's own definitions first, then cluster.fw.
export interface CompileScope {
  guestAliases?: ReadonlyMap<string, string>;
  clusterAliases: ReadonlyMap<string, string>;
  guestIpsets?: ReadonlyMap<string, IpsetIndex>;
  clusterIpsets: ReadonlyMap<string, IpsetIndex>;
  logRateLimited: boolean;
}
