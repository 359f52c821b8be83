import type { GuestConfig, PveConfig } from '../schema/pve.js';
import type { AddrMatcher, CompileScope, CRule } from './crule.js';
import type { IpsetIndex } from './ipset-index.js';
import type { IndexedRules } from './rule-index.js';

// Internal, precompiled form of the configuration used by simulate().

export type { AddrMatcher, CompileScope, CRule } from './crule.js';

export interface GroupModel {
  name: string;
  in: CRule[];
  out: CRule[];
  // A compile error inside the group (Perl dies): the guest chains stop being generated.
  fatal: string | null;
}

export interface NicModel {
  index: number;
  bridge: string;
  firewall: boolean;
  dev: string; // tap<vmid>i<N> or veth<vmid>i<N>
  chains: { in: IndexedRules; out: IndexedRules } | null; // null = no <dev>-IN/-OUT chain
  noChainReason: string | null;
  ipfilter: IpsetIndex | null;
  addresses: string[]; // ip= (LXC) or ipconfigN ip= (QEMU), without prefix
}

export interface GuestModel {
  vmid: number;
  config: GuestConfig;
  fwPath: string;
  hasFw: boolean;
  enable: boolean;
  opt: (key: string) => string;
  optLine: (key: string) => number | null;
  nics: Map<number, NicModel>;
  scope: CompileScope; // where this guest's names resolve (to explain rules that did not match)
}

export interface HostModel {
  enabled: boolean; // cluster enabled and host enable != 0
  inRules: IndexedRules;
  outRules: IndexedRules;
  opt: (key: string) => string;
  management: IpsetIndex;
  blacklist: IpsetIndex | null;
  localNetwork: string | null;
  localNet4: AddrMatcher | null;
  corosyncIn: Array<{ src: bigint; dst: bigint; v: 4 | 6; key: string; peer: string }>;
  corosyncMulticast: boolean;
}

export interface FirewallModel {
  cfg: PveConfig;
  root: string; // how to name the pve dir in messages, e.g. /etc/pve
  clusterEnabled: boolean;
  clusterEnableLine: number | null;
  clusterOpt: (key: string) => string;
  clusterOptLine: (key: string) => number | null;
  groups: Map<string, GroupModel>;
  clusterRules: CRule[]; // cluster.fw [RULES] only, for "would this rule match" questions
  host: HostModel;
  guests: Map<number, GuestModel>;
  ipOwners: Map<string, { vmid: number; nic: number }>;
  logRateLimited: boolean;
  scope: CompileScope; // the cluster scope, for host.fw and cluster.fw rules
}
