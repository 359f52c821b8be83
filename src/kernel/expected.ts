import { MACROS } from '../parse/macros.js';
import type { FwFile, FwRule, GuestConfig, PveConfig } from '../schema/pve.js';

// What the configuration compiles to in the IPv4 filter table, for the chains pveaudit can
// reproduce rule for rule: each guest NIC's <dev>-IN/-OUT, PVEFW-FWBR-IN/OUT and PVEFW-FORWARD.
// Written from pve-firewall's documented behaviour (chain layout, policies, mark handling), in
// pve-firewall's own rule syntax; canon.ts makes it comparable with iptables-save's output.

export interface ExpectedChain {
  name: string;
  rules: string[]; // rule specs, without "-A chain"
  // Why this chain cannot be compared rule for rule (a feature not reproduced), else null.
  notComparable: string | null;
  unordered?: boolean; // jump lists where the order does not change a verdict
  device?: string; // the guest NIC a guest chain belongs to
}

const LOG_LEVELS: Readonly<Record<string, number>> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};
const ACCEPT_MARK_ON = '0x80000000/0x80000000';
const ACCEPT_MARK_OFF = '0x0/0x80000000';

const opt = (f: FwFile | null | undefined, key: string): string | undefined => f?.options[key]?.value;

function logRule(chain: string, vmid: number, level: string | undefined, msg: string, limit: string | null): string[] {
  if (!level || level === 'nolog' || LOG_LEVELS[level] === undefined) return [];
  return [`${limit ?? ''}-j NFLOG --nflog-prefix ":${vmid}:${LOG_LEVELS[level]}:${chain}: ${msg}"`];
}

// pve-firewall walks QEMU guests, then containers, each sorted by vmid as a string (its iptables
// and its ebtables rules alike).
export function guestsInOrder(cfg: PveConfig): GuestConfig[] {
  const by = (t: string) =>
    Object.values(cfg.guests)
      .filter((g) => g.type === t)
      .sort((a, b) => (String(a.vmid) < String(b.vmid) ? -1 : 1));
  return [...by('qemu'), ...by('lxc')];
}

interface Scope {
  cfg: PveConfig;
  fw: FwFile;
  vmid: number;
}

function resolveAddr(text: string, dir: 's' | 'd', sc: Scope): string[] | null {
  const sd = dir === 's' ? 'src' : 'dst';
  if (text.startsWith('+')) {
    const m = /^\+(?:(guest|dc)\/)?(.+)$/.exec(text);
    if (!m?.[2]) return null;
    const name = m[2].toLowerCase();
    const guest = m[1] !== 'dc' && sc.fw.ipsets[name];
    const dc = m[1] !== 'guest' && sc.cfg.cluster?.ipsets[name];
    const owner = guest ? sc.vmid : dc ? 0 : null;
    if (owner === null) return null;
    const id = `${owner}-${name}-v4`;
    return id.length > 31 ? null : [`-m set --match-set PVEFW-${id} ${sd}`];
  }
  const alias = /^(?:(guest|dc)\/)?([a-zA-Z][a-zA-Z0-9_-]*)$/.exec(text);
  if (alias?.[2] && !/^[\d.:/]+$/.test(text)) {
    const name = alias[2].toLowerCase();
    const a =
      (alias[1] !== 'dc' ? sc.fw.aliases[name] : undefined) ??
      (alias[1] !== 'guest' ? sc.cfg.cluster?.aliases[name] : undefined);
    return a ? [`-${dir} ${a.cidr}`] : null;
  }
  if (text.includes(':')) return null; // IPv6: not in the IPv4 table
  if (text.includes(',')) return text.split(',').map((a) => `-${dir} ${a}`); // iptables makes one rule each
  if (text.includes('-')) return [`-m iprange --${sd}-range ${text}`];
  return [`-${dir} ${text}`];
}

// One [RULES] line -> its rule specs in the guest chain (null: not reproduced).
function ruleSpecs(rule: FwRule, action: string, sc: Scope, chain: string, limit: string | null): string[] | null {
  const entries = rule.macro ? (MACROS[rule.macro] ?? null) : [null];
  if (!entries) return null;
  const out: string[] = [];
  for (const e of entries) {
    if (e?.v6only) continue;
    const proto = e?.proto ?? rule.proto;
    if (proto === 'icmpv6' || proto === 'ipv6-icmp') continue;
    const src = rule.source ? resolveAddr(rule.source, 's', sc) : [''];
    const dst = rule.dest ? resolveAddr(rule.dest, 'd', sc) : [''];
    if (!src || !dst) return null;
    const dport = e?.dport ?? rule.dport;
    const sport = e?.sport ?? rule.sport;
    const m: string[] = [];
    if (proto) {
      m.push(`-p ${proto}`);
      if (proto === 'icmp') {
        const t = rule.icmpType ?? dport;
        if (t) m.push(`-m icmp --icmp-type ${t}`);
      } else {
        if (sport && sport !== '0')
          m.push(sport.includes(',') ? `--match multiport --sports ${sport}` : `--sport ${sport}`);
        if (dport && dport !== '0')
          m.push(dport.includes(',') ? `--match multiport --dports ${dport}` : `--dport ${dport}`);
      }
    }
    for (const s of src)
      for (const d of dst) {
        const match = [s, d, ...m].filter(Boolean).join(' ');
        const target = action === 'PVEFW-SET-ACCEPT-MARK' ? `-g ${action}` : `-j ${action}`;
        if (rule.log && rule.log !== 'nolog')
          out.push(...logRule(chain, sc.vmid, rule.log, `${rule.action}: `, limit).map((l) => `${match} ${l}`.trim()));
        out.push(`${match} ${target}`.trim());
      }
  }
  return out;
}

function guestChain(
  sc: Scope,
  dev: string,
  mac: string | null,
  netKey: string,
  dir: 'IN' | 'OUT',
  limit: string | null,
): ExpectedChain {
  const name = `${dev}-${dir}`;
  const { fw, vmid } = sc;
  const rules: string[] = [`-j CONNMARK --set-mark ${vmid}`];
  let notComparable: string | null = opt(fw, 'ips') === '1' ? 'IPS (NFQUEUE) is on' : null;
  if (opt(fw, 'dhcp') !== '0')
    rules.push(
      dir === 'OUT'
        ? '-p udp --sport 68 --dport 67 -g PVEFW-SET-ACCEPT-MARK'
        : '-p udp --sport 67 --dport 68 -j ACCEPT',
    );
  if (dir === 'OUT') {
    if (mac && opt(fw, 'macfilter') !== '0') rules.push(`-m mac ! --mac-source ${mac} -j DROP`);
    if (opt(fw, 'ipfilter') === '1' || fw.ipsets[`ipfilter-${netKey}`])
      rules.push(`-m set ! --match-set PVEFW-${vmid}-ipfilter-${netKey}-v4 src -j DROP`);
    rules.push(`-j MARK --set-mark ${ACCEPT_MARK_OFF}`);
  }
  for (const r of fw.rules) {
    if (r.iface && r.iface !== netKey) continue;
    if (!r.enabled || r.errors.length > 0) continue;
    if (r.direction === 'GROUP') {
      rules.push(`-j GROUP-${r.action.toLowerCase()}-${dir}`);
      rules.push(`-m mark --mark ${ACCEPT_MARK_ON} -j ${dir === 'OUT' ? 'RETURN' : 'ACCEPT'}`);
      continue;
    }
    if (r.direction !== dir) continue;
    const action =
      r.action === 'ACCEPT'
        ? dir === 'OUT'
          ? 'PVEFW-SET-ACCEPT-MARK'
          : 'ACCEPT'
        : r.action === 'REJECT'
          ? 'PVEFW-reject'
          : r.action;
    const specs = ruleSpecs(r, action, sc, name, limit);
    if (!specs) {
      notComparable ??= `${r.file} line ${r.line} uses a feature pveaudit does not reproduce`;
      continue;
    }
    rules.push(...specs);
  }
  const policy = (dir === 'OUT' ? opt(fw, 'policy_out') : opt(fw, 'policy_in')) ?? (dir === 'OUT' ? 'ACCEPT' : 'DROP');
  const level = opt(fw, dir === 'OUT' ? 'log_level_out' : 'log_level_in');
  if (policy === 'ACCEPT') rules.push(dir === 'OUT' ? '-g PVEFW-SET-ACCEPT-MARK' : '-j ACCEPT');
  else if (policy === 'DROP')
    rules.push('-j PVEFW-Drop', ...logRule(name, vmid, level, 'policy DROP: ', limit), '-j DROP');
  else rules.push('-j PVEFW-Reject', ...logRule(name, vmid, level, 'policy REJECT: ', limit), '-g PVEFW-reject');
  return { name, rules, notComparable, device: dev };
}

// Every chain the configuration compiles to that pveaudit reproduces, by name. Empty when the
// cluster firewall is off (then pve-firewall loads no PVEFW chains at all).
export function expectedChains(cfg: PveConfig): Map<string, ExpectedChain> {
  const out = new Map<string, ExpectedChain>();
  if (opt(cfg.cluster, 'enable') !== '1') return out;
  const host = cfg.host;
  const limit = opt(cfg.cluster, 'log_ratelimit')?.startsWith('enable=0')
    ? null
    : '-m limit --limit 1/sec --limit-burst 5 ';
  const fwbrIn: string[] = [];
  if (cfg.cluster?.ipsets.blacklist) fwbrIn.push('-m set --match-set PVEFW-0-blacklist-v4 src -j PVEFW-blacklist');
  if (opt(host, 'nosmurfs') !== '0') fwbrIn.push('-m conntrack --ctstate INVALID,NEW -j PVEFW-smurfs');
  if (opt(host, 'tcpflags') === '1') fwbrIn.push('-p tcp -j PVEFW-tcpflags');
  const fwbrOut: string[] = [];
  for (const g of guestsInOrder(cfg)) {
    const fw = cfg.guestFw[String(g.vmid)];
    if (!fw || !(Number(opt(fw, 'enable') ?? '0') > 0)) continue;
    const nets = [...g.nets].sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const net of nets) {
      if (!net.firewall) continue;
      const dev = `${g.type === 'lxc' ? 'veth' : 'tap'}${g.vmid}i${net.index}`;
      const sc = { cfg, fw, vmid: g.vmid };
      for (const dir of ['IN', 'OUT'] as const) {
        const c = guestChain(sc, dev, net.hwaddr, net.key, dir, limit);
        out.set(c.name, c);
      }
      fwbrIn.push(`-m physdev --physdev-is-bridged --physdev-out ${dev} -j ${dev}-IN`);
      fwbrOut.push(`-m physdev --physdev-is-bridged --physdev-in ${dev} -j ${dev}-OUT`);
    }
  }
  out.set('PVEFW-FWBR-IN', { name: 'PVEFW-FWBR-IN', rules: fwbrIn, notComparable: null, unordered: true });
  out.set('PVEFW-FWBR-OUT', { name: 'PVEFW-FWBR-OUT', rules: fwbrOut, notComparable: null, unordered: true });
  const forward = [
    ...(opt(host, 'nf_conntrack_allow_invalid') === '1' ? [] : ['-m conntrack --ctstate INVALID -j DROP']),
    '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-m physdev --physdev-is-bridged --physdev-in fwln+ -j PVEFW-FWBR-IN',
    '-m physdev --physdev-is-bridged --physdev-out fwln+ -j PVEFW-FWBR-OUT',
  ];
  out.set('PVEFW-FORWARD', { name: 'PVEFW-FORWARD', rules: forward, notComparable: null });
  return out;
}
