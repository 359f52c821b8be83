import type { FwFileKind } from '../schema/pve.js';

// [OPTIONS] line grammar per file kind, mirroring parse_{clusterfw,hostfw,vmfw}_option. An option
// line never takes a trailing comment: the whole line then fails to parse.
const LOG = '(?:emerg|alert|crit|err|warning|notice|info|debug|nolog)';
const HELPERS = '(?:amanda|ftp|irc|netbios-ns|pptp|sane|sip|snmp|tftp)';
const L2 = '(?:IPX|ARP|IPv4|IPv6|LAT|ATALK|AARP|802_1Q|NETBEUI|X25|IPV6)';

type Grammar = Array<{ keys: RegExp; value: RegExp; norm?: (v: string) => string }>;

const BOOL = /^[01]$/;
const POLICY = /^(?:ACCEPT|DROP|REJECT)$/i;
const upper = (v: string) => v.toUpperCase();
const lower = (v: string) => v.toLowerCase();

const GRAMMARS: Record<FwFileKind, Grammar> = {
  cluster: [
    { keys: /^enable$/, value: /^\d+$/, norm: (v) => String(Number(v)) },
    { keys: /^ebtables$/, value: BOOL },
    { keys: /^policy_(?:in|out)$/, value: POLICY, norm: upper },
    { keys: /^policy_forward$/, value: /^(?:ACCEPT|DROP)$/i, norm: upper },
    { keys: /^log_ratelimit$/, value: /^\S+$/ },
  ],
  host: [
    {
      keys: /^(?:enable|nosmurfs|tcpflags|ndp|log_nf_conntrack|nf_conntrack_allow_invalid|protection_synflood|nftables)$/,
      value: BOOL,
    },
    {
      keys: /^(?:log_level_in|log_level_out|log_level_forward|tcp_flags_log_level|smurf_log_level)$/,
      value: new RegExp(`^(?:${LOG})?$`, 'i'),
      norm: lower,
    },
    { keys: /^nf_conntrack_helpers$/, value: new RegExp(`^(?:${HELPERS},?)*$`, 'i'), norm: lower },
    {
      keys: /^(?:nf_conntrack_max|nf_conntrack_tcp_timeout_established|nf_conntrack_tcp_timeout_syn_recv|protection_synflood_rate|protection_synflood_burst)$/,
      value: /^\d+$/,
    },
  ],
  guest: [
    { keys: /^(?:enable|dhcp|ndp|radv|macfilter|ipfilter|ips)$/, value: BOOL },
    { keys: /^(?:log_level_in|log_level_out)$/, value: new RegExp(`^(?:${LOG})?$`, 'i'), norm: lower },
    { keys: /^policy_(?:in|out)$/, value: POLICY, norm: upper },
    { keys: /^ips_queues$/, value: /^\d+(?::\d+)?$/ },
    { keys: /^layer2_protocols$/, value: new RegExp(`^(?:${L2},?)+$`, 'i') },
  ],
};

export type OptionParse = { key: string; value: string } | { error: string; column?: number };

export function parseOptionLine(line: string, kind: FwFileKind): OptionParse {
  // (.*) then trimEnd: a lazy (.*?)\s*$ rescans every space run to the end (quadratic, issue 11)
  const m = /^([A-Za-z_0-9]+):\s*(.*)$/.exec(line);
  if (!m) return { error: `can't parse option "${line}": expected "key: value"` };
  const key = (m[1] as string).toLowerCase();
  const value = (m[2] as string).trimEnd();
  const g = GRAMMARS[kind].find((x) => x.keys.test(key));
  if (!g) return { error: `unknown ${kind} option "${key}"` };
  if (!g.value.test(value)) {
    const column = line.indexOf(value) + 1 || undefined;
    if (value.includes('#')) {
      return {
        error: `option line "${line}" has a trailing comment, which Proxmox does not allow: the whole line is ignored, so it does not set ${key}`,
        column,
      };
    }
    return { error: `invalid value "${value}" for ${kind} option ${key}`, column };
  }
  return { key, value: g.norm ? g.norm(value) : value };
}

// Effective defaults (PROXMOX.md section 3): what a missing option means.
export const OPTION_DEFAULTS: Record<FwFileKind, Record<string, string>> = {
  cluster: { enable: '0', policy_in: 'DROP', policy_out: 'ACCEPT', policy_forward: 'ACCEPT', ebtables: '1' },
  host: {
    enable: '1',
    nftables: '0',
    tcpflags: '0',
    nosmurfs: '1',
    ndp: '1',
    nf_conntrack_allow_invalid: '0',
    log_nf_conntrack: '0',
    log_level_in: 'nolog',
    log_level_out: 'nolog',
    log_level_forward: 'nolog',
    nf_conntrack_max: '262144',
    nf_conntrack_tcp_timeout_established: '432000',
    nf_conntrack_tcp_timeout_syn_recv: '60',
    protection_synflood: '0',
  },
  // dhcp: schema says 0, but both backends allow DHCP unless "dhcp: 0" is written.
  guest: {
    enable: '0',
    policy_in: 'DROP',
    policy_out: 'ACCEPT',
    macfilter: '1',
    ipfilter: '0',
    ndp: '1',
    radv: '0',
    dhcp: '1',
    log_level_in: 'nolog',
    log_level_out: 'nolog',
    ips: '0',
  },
};

// Cluster "enable" above 1 is a Unix timestamp: enabled only while at most 60 s in the past.
export function clusterEnableValue(value: string, nowSeconds: number): boolean {
  const n = Number(value);
  if (n <= 1) return n === 1;
  return nowSeconds - n <= 60;
}
