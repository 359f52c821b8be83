import { z } from 'zod';
import { ActionSchema, GuestTypeSchema, IssueSchema } from './common.js';
import { ReasonSchema } from './reason.js';

// Parsed /etc/pve content. Parsers in src/parse produce these; src/firewall consumes them.
// Every rule keeps its file and line so a verdict can name the line that decided it.

export const FwFileKindSchema = z.enum(['cluster', 'host', 'guest']);
export type FwFileKind = z.infer<typeof FwFileKindSchema>;

export const FwRuleSchema = z.object({
  file: z.string(), // /etc/pve-relative path, e.g. firewall/cluster.fw
  line: z.number().int().positive(),
  text: z.string(), // the line as written, trimmed
  enabled: z.boolean(), // false for a leading "|"
  direction: z.enum(['IN', 'OUT', 'FORWARD', 'GROUP']),
  action: z.string(), // ACCEPT | DROP | REJECT, or the group name for GROUP
  macro: z.string().nullable(), // canonical macro name, e.g. "SSH", when written as Macro(ACTION)
  iface: z.string().nullable(),
  proto: z.string().nullable(),
  dport: z.string().nullable(),
  sport: z.string().nullable(),
  source: z.string().nullable(),
  dest: z.string().nullable(),
  icmpType: z.string().nullable(),
  log: z.string().nullable(),
  comment: z.string().nullable(),
  // Verification errors: Proxmox keeps the rule in the file but skips it when compiling.
  errors: z.array(z.string()),
});
export type FwRule = z.infer<typeof FwRuleSchema>;

export const FwIpsetEntrySchema = z.object({
  line: z.number().int().positive(),
  nomatch: z.boolean(),
  value: z.string(), // IP, CIDR or alias name as written (without "!")
  comment: z.string().nullable(),
});

export const FwIpsetSchema = z.object({
  name: z.string(), // lower-cased, as Proxmox stores it
  line: z.number().int().positive(),
  comment: z.string().nullable(),
  entries: z.array(FwIpsetEntrySchema),
});
export type FwIpset = z.infer<typeof FwIpsetSchema>;

export const FwAliasSchema = z.object({
  name: z.string(), // lower-cased
  cidr: z.string(),
  line: z.number().int().positive(),
  comment: z.string().nullable(),
});

export const FwGroupSchema = z.object({
  name: z.string(), // lower-cased
  line: z.number().int().positive(),
  comment: z.string().nullable(),
  rules: z.array(FwRuleSchema),
});
export type FwGroup = z.infer<typeof FwGroupSchema>;

export const FwOptionSchema = z.object({
  key: z.string(), // lower-cased
  value: z.string(),
  line: z.number().int().positive(),
});

export const FwFileSchema = z.object({
  kind: FwFileKindSchema,
  path: z.string(), // /etc/pve-relative
  // Only the option lines Proxmox accepted; ignored ones are in issues.
  options: z.record(z.string(), FwOptionSchema),
  aliases: z.record(z.string(), FwAliasSchema),
  ipsets: z.record(z.string(), FwIpsetSchema),
  rules: z.array(FwRuleSchema),
  groups: z.record(z.string(), FwGroupSchema),
  issues: z.array(IssueSchema),
});
export type FwFile = z.infer<typeof FwFileSchema>;

export const NetConfigSchema = z.object({
  key: z.string(), // net0
  index: z.number().int().nonnegative(),
  raw: z.string(),
  props: z.record(z.string(), z.string()), // every property, unordered
  bridge: z.string().nullable(),
  firewall: z.boolean(),
  hwaddr: z.string().nullable(), // LXC hwaddr, or the QEMU <model>=<MAC> / macaddr
  model: z.string().nullable(),
  ip: z.string().nullable(), // CIDR, dhcp or manual (LXC ip=, or QEMU ipconfigN ip= for reference)
  ip6: z.string().nullable(),
  gw: z.string().nullable(),
  tag: z.string().nullable(),
});
export type NetConfig = z.infer<typeof NetConfigSchema>;

export const GuestConfigSchema = z.object({
  vmid: z.number().int(),
  type: GuestTypeSchema,
  source: z.enum(['conf-file', 'pct-config', 'qm-config']),
  path: z.string(), // where it came from (evidence path or /etc/pve-relative)
  name: z.string().nullable(), // hostname (LXC) or name (QEMU)
  props: z.record(z.string(), z.string()), // main section, key -> value
  nets: z.array(NetConfigSchema), // main section only: the firewall compiler reads nothing else
  pending: z.record(z.string(), z.string()),
  pendingDelete: z.array(z.string()),
  snapshots: z.record(z.string(), z.record(z.string(), z.string())),
  description: z.string().nullable(),
  issues: z.array(IssueSchema),
});
export type GuestConfig = z.infer<typeof GuestConfigSchema>;

export const FirewallStatusSchema = z.object({
  enabled: z.boolean().nullable(),
  state: z.enum(['running', 'stopped', 'unknown']).nullable(),
  pendingChanges: z.boolean(),
  warnings: z.array(z.string()),
  issues: z.array(IssueSchema),
});
export type FirewallStatus = z.infer<typeof FirewallStatusSchema>;

export const LocalnetSchema = z.object({
  nodename: z.string().nullable(),
  nodeIp: z.string().nullable(),
  localNetwork: z.string().nullable(),
  // whether it came from cluster.fw's local_network alias or was auto-detected
  fromAlias: z.boolean(),
  corosyncPeers: z.array(z.object({ name: z.string(), addresses: z.array(z.string()) })),
  issues: z.array(IssueSchema),
});
export type Localnet = z.infer<typeof LocalnetSchema>;

export const CorosyncSchema = z.object({
  transport: z.string().nullable(),
  ipVersion: z.string().nullable(),
  nodes: z.array(
    z.object({
      name: z.string(),
      nodeid: z.number().int().nullable(),
      // ring0_addr / link0_addr -> value, as written
      addresses: z.record(z.string(), z.string()),
    }),
  ),
  issues: z.array(IssueSchema),
});
export type Corosync = z.infer<typeof CorosyncSchema>;

// Everything the firewall model needs, as one value (from a --pve-dir or an evidence bundle).
export const PveConfigSchema = z.object({
  nodename: z.string(),
  hostIp: z.string().nullable(),
  localNetwork: z.string().nullable(),
  cluster: FwFileSchema.nullable(), // null = no cluster.fw (firewall off)
  host: FwFileSchema.nullable(),
  guestFw: z.record(z.string(), FwFileSchema), // vmid -> <vmid>.fw
  guests: z.record(z.string(), GuestConfigSchema), // vmid -> config of guests on this node
  corosync: CorosyncSchema.nullable(),
});
export type PveConfig = z.infer<typeof PveConfigSchema>;

// simulate(): one packet through Proxmox's chains.
export const SimFlowSchema = z.object({
  from: z.string(), // zone, or an IP mapped to a guest
  to: z.string(),
  proto: z.enum(['tcp', 'udp', 'icmp', 'icmpv6']).default('tcp'),
  dport: z.union([z.number().int(), z.string()]).optional(), // string for an icmp type name
  sport: z.number().int().optional(),
  source: z.string().optional(),
  dest: z.string().optional(),
  srctype: z.string().optional(),
  dsttype: z.string().optional(),
});
export type SimFlow = z.infer<typeof SimFlowSchema>;

export const SimResultSchema = z.object({
  action: ActionSchema,
  decidedBy: z.object({
    kind: z.enum(['rule', 'policy', 'default']),
    file: z.string().nullable(),
    line: z.number().int().positive().nullable(),
    text: z.string(),
  }),
  // Chains passed, in order, e.g. ["veth102i0-OUT: ACCEPT (mark)", "tap1001i0-IN: policy DROP"].
  trace: z.array(z.string()),
  // What decided it, as data (README "Reason codes"): the branch of the model, its side and parameters.
  reason: ReasonSchema,
  packet: z.object({ source: z.string(), dest: z.string(), proto: z.string(), dport: z.string().nullable() }),
});
export type SimResult = z.infer<typeof SimResultSchema>;

export const GuestFirewallStateSchema = z.object({
  vmid: z.number().int(),
  cluster: z.boolean(),
  guestEnable: z.boolean(),
  fwFile: z.boolean(),
  onNode: z.boolean(),
  nics: z.record(z.string(), z.boolean()),
  effective: z.boolean(), // any NIC filtered
  // First broken link of cluster -> guest .fw -> guest enable -> NIC flag, or null.
  brokenLink: z
    .enum(['cluster-disabled', 'not-on-node', 'no-fw-file', 'guest-disabled', 'nic-firewall-off'])
    .nullable(),
  policyIn: ActionSchema,
  policyOut: ActionSchema,
});
export type GuestFirewallState = z.infer<typeof GuestFirewallStateSchema>;
