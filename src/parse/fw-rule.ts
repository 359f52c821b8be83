import type { Issue } from '../schema/common.js';
import type { FwFileKind, FwRule } from '../schema/pve.js';
import { isAddressError, parseAddress } from './fw-address.js';
import { splitComment } from './fw-comment.js';
import { isPortError, parsePortList } from './fw-ports.js';
import { icmpType, PORT_PROTOCOLS, PROTOCOLS } from './fw-tables.js';
import { parseCidr } from './ip.js';
import { canonicalMacro, MACROS } from './macros.js';

export { normaliseRule } from './fw-rule-text.js';

// Names defined so far (Perl checks existence in one pass while parsing). Alias values are the
// CIDR text, so the rule's IP family can be checked.
export interface RuleScope {
  clusterAliases: ReadonlyMap<string, string>;
  clusterIpsets: ReadonlySet<string>;
  guestAliases?: ReadonlyMap<string, string>;
  guestIpsets?: ReadonlySet<string>;
}

export interface RuleContext {
  file: string;
  line: number;
  kind: FwFileKind;
  inGroup?: boolean;
  // Omitted: alias and ipset existence is not checked (e.g. for rule strings in an intent file).
  scope?: RuleScope;
}

// Errors Proxmox only hits while compiling; inside a group they abort the rest of a guest.
const COMPILE = 'compile: ';
export const isCompileError = (msg: string): boolean => msg.startsWith(COMPILE);

const OPTION_RES: Array<[keyof FwRule, RegExp]> = [
  ['proto', /^(?:-p|--?proto) (\S+)\s*/],
  ['dport', /^--?dport (\S+)\s*/],
  ['sport', /^--?sport (\S+)\s*/],
  ['source', /^--?source (\S+)\s*/],
  ['dest', /^--?dest (\S+)\s*/],
  ['log', /^--?log (emerg|alert|crit|err|warning|notice|info|debug|nolog)\s*/],
  ['icmpType', /^--?icmp-type (\S+)\s*/],
];

const ALLOWED_DIRS: Record<FwFileKind | 'group', string[]> = {
  guest: ['IN', 'OUT', 'GROUP'],
  host: ['IN', 'OUT', 'FORWARD', 'GROUP'],
  cluster: ['IN', 'OUT', 'FORWARD', 'GROUP'],
  group: ['IN', 'OUT', 'FORWARD'],
};

function issue(ctx: RuleContext, code: string, message: string, severity: Issue['severity'], column?: number): Issue {
  return { file: ctx.file, line: ctx.line, ...(column ? { column } : {}), severity, code, message };
}

// A line Proxmox cannot parse at all: no rule, one issue saying where.
function skipped(ctx: RuleContext, message: string, column: number | undefined): { rule: null; issues: Issue[] } {
  return { rule: null, issues: [issue(ctx, 'fw-rule-unparseable', message, 'error', column)] };
}

// One rule line as Perl's parse_fw_rule + verify_rule read it. rule is null when the line cannot
// be parsed at all (Proxmox skips it); verification failures are kept in rule.errors.
export function parseRuleLine(text: string, ctx: RuleContext): { rule: FwRule | null; issues: Issue[] } {
  const written = text.trim();
  const split = splitComment(written);
  let line = split.body;
  const comment = split.comment;
  const enabled = !line.startsWith('|');
  if (!enabled) line = line.slice(1);
  const head = /^(\S+)\s+(\S+)\s*/.exec(line);
  if (!head) return skipped(ctx, `skipped rule "${written}": expected "DIRECTION ACTION [options]"`, 1);
  const dirWritten = head[1] as string;
  const actionWritten = head[2] as string;
  line = line.slice(head[0].length);
  const fields: Partial<Record<keyof FwRule, string>> = {};
  const isGroup = dirWritten.toLowerCase() === 'group';
  while (line.length > 0) {
    const i = /^-i (\S+)\s*/.exec(line);
    if (i) {
      fields.iface = i[1] as string;
      line = line.slice(i[0].length);
      continue;
    }
    if (isGroup) break;
    const hit = OPTION_RES.find(([, re]) => re.test(line));
    if (!hit) break;
    const m = hit[1].exec(line) as RegExpExecArray;
    fields[hit[0]] = m[1] as string;
    line = line.slice(m[0].length);
  }
  if (line.length > 0) {
    const column = written.indexOf(line) + 1 || undefined;
    const why = isGroup ? ' (a GROUP rule takes only -i)' : '';
    return skipped(ctx, `skipped rule: unable to parse rule parameters "${line}"${why}`, column);
  }
  const rule: FwRule = {
    file: ctx.file,
    line: ctx.line,
    text: written,
    enabled,
    direction: (['IN', 'OUT', 'FORWARD', 'GROUP'].includes(dirWritten.toUpperCase())
      ? dirWritten.toUpperCase()
      : 'IN') as FwRule['direction'],
    action: actionWritten,
    macro: null,
    iface: fields.iface ?? null,
    proto: fields.proto ?? null,
    dport: fields.dport ?? null,
    sport: fields.sport ?? null,
    source: fields.source ?? null,
    dest: fields.dest ?? null,
    icmpType: fields.icmpType ?? null,
    log: fields.log ?? null,
    comment,
    errors: [],
  };
  verifyRule(rule, dirWritten, ctx);
  const issues: Issue[] = [];
  if (rule.errors.length > 0) {
    issues.push(issue(ctx, 'fw-rule-invalid', `rule skipped by Proxmox: ${rule.errors.join('; ')}`, 'error', 1));
  } else if (!enabled) {
    issues.push(issue(ctx, 'fw-rule-disabled', 'rule is disabled with a leading "|" and is not applied', 'warning', 1));
  } else if (rule.direction === 'FORWARD') {
    issues.push(
      issue(
        ctx,
        'fw-rule-forward-ignored',
        'FORWARD rules are ignored by the iptables backend (nftables only)',
        'warning',
        1,
      ),
    );
  }
  return { rule, issues };
}

function verifyRule(rule: FwRule, dirWritten: string, ctx: RuleContext): void {
  const err = (m: string) => rule.errors.push(m);
  const env = ctx.inGroup ? 'group' : ctx.kind;
  const dirOk = ['IN', 'OUT', 'FORWARD', 'GROUP'].includes(dirWritten.toUpperCase());
  if (!dirOk) err(`unknown direction "${dirWritten}" (IN, OUT, FORWARD or GROUP)`);
  else if (!ALLOWED_DIRS[env].includes(rule.direction)) {
    err(
      `direction ${rule.direction} is not allowed in ${env === 'group' ? 'a [group] section' : `a ${ctx.kind} file`}`,
    );
  }
  if (rule.direction === 'GROUP') {
    if (!/^[A-Za-z][A-Za-z0-9_-]+$/.test(rule.action)) err(`invalid security group name "${rule.action}"`);
    else if (rule.action.length > 18)
      err(`${COMPILE}security group name "${rule.action}" is longer than 18 characters`);
  } else {
    const macro = /^(\S+)\((ACCEPT|DROP|REJECT)\)$/.exec(rule.action);
    if (macro) {
      const name = canonicalMacro(macro[1] as string);
      if (!name) err(`unknown macro "${macro[1]}"`);
      rule.macro = name;
      rule.action = macro[2] as string;
    } else if (!['ACCEPT', 'DROP', 'REJECT'].includes(rule.action)) {
      const hint = ['accept', 'drop', 'reject'].includes(rule.action.toLowerCase())
        ? ' (actions are case-sensitive: use upper case)'
        : '';
      err(`invalid action "${rule.action}": expected ACCEPT, DROP, REJECT or Macro(ACTION)${hint}`);
    }
    if (rule.direction === 'FORWARD' && rule.action === 'REJECT') err('REJECT is not allowed with FORWARD');
  }
  if (rule.iface !== null) {
    if (ctx.inGroup) err('-i is not allowed inside a [group]');
    else if (ctx.kind === 'guest' && !/^net\d+$/.test(rule.iface))
      err(`interface "${rule.iface}" must be netN in a guest rule`);
    else if (!/^[A-Za-z0-9_.-]+\+?$/.test(rule.iface)) err(`invalid interface name "${rule.iface}"`);
  }
  const proto = rule.proto;
  if (proto !== null && PROTOCOLS[proto] === undefined && !(/^\d+$/.test(proto) && Number(proto) <= 255)) {
    err(`unknown protocol "${proto}" (not in /etc/protocols)`);
  }
  const macroEntries = rule.macro ? (MACROS[rule.macro] ?? []) : [];
  for (const [key, flag] of [
    ['proto', '-p'],
    ['dport', '-dport'],
    ['sport', '-sport'],
  ] as const) {
    if (rule[key] !== null && macroEntries.some((e) => e[key] !== undefined)) {
      err(`parameter ${flag} is already defined in macro ${rule.macro}`);
    }
  }
  for (const key of ['dport', 'sport'] as const) {
    const value = rule[key];
    if (!value || value === '0') continue; // Perl: "0" is false, so no check
    const parsed = parsePortList(value, key === 'dport');
    if (isPortError(parsed)) err(`-${key}: ${parsed.error}`);
    if (!proto) err(`-${key} requires -p (tcp, udp, udplite, dccp or sctp)`);
    else if (!PORT_PROTOCOLS.has(proto) && !(key === 'dport' && (proto === 'icmp' || proto === 'icmpv6'))) {
      err(`protocol "${proto}" does not support ports`);
    }
  }
  if (rule.icmpType !== null) {
    if (!proto || !['icmp', 'icmpv6', 'ipv6-icmp'].includes(proto)) err('-icmp-type requires -p icmp or icmpv6');
    if (rule.dport) err('-icmp-type cannot be combined with -dport');
    const v = proto === 'icmp' ? 4 : 6;
    if (!icmpType(rule.icmpType, v)) err(`${COMPILE}unknown ICMP type "${rule.icmpType}"`);
  }
  const families = new Set<number>();
  if (proto === 'icmp') families.add(4);
  if (proto === 'icmpv6' || proto === 'ipv6-icmp') families.add(6);
  for (const key of ['source', 'dest'] as const) {
    const v = rule[key];
    if (v === null) continue;
    const fam = checkAddress(v, key, ctx, err);
    if (fam) families.add(fam);
  }
  if (families.size > 1) err('rule mixes IPv4 and IPv6 (addresses or protocol)');
}

function checkAddress(value: string, key: string, ctx: RuleContext, err: (m: string) => void): 4 | 6 | null {
  const a = parseAddress(value);
  if (isAddressError(a)) {
    err(`-${key}: ${a.error}`);
    return null;
  }
  if (a.kind === 'cidrs' || a.kind === 'range') return a.v;
  const isGuest = ctx.kind === 'guest' && !ctx.inGroup;
  const s = ctx.scope;
  if (a.scope === 'guest' && !isGuest) {
    // Outside a guest file a guest/ name is looked up in cluster.fw while parsing: an unknown
    // name is a plain rule error, a known one fails only at compile time (fatal inside a group).
    const known = !s || (a.kind === 'ipset' ? s.clusterIpsets.has(a.name) : s.clusterAliases.has(a.name));
    if (known) err(`${COMPILE}-${key}: "${value}" uses the guest/ scope outside a guest firewall file`);
    else err(`-${key}: no such ${a.kind} "${value}" (and the guest/ scope exists only in guest firewall files)`);
    return null;
  }
  if (!s) return null;
  if (a.kind === 'ipset') {
    if (a.scope === 'sdn') {
      err(`-${key}: ipset "${value}" is an SDN ipset, which pveaudit does not read`);
      return null;
    }
    const inGuest = a.scope !== 'dc' && (s.guestIpsets?.has(a.name) ?? false);
    const inCluster = a.scope !== 'guest' && s.clusterIpsets.has(a.name);
    if (!inGuest && !inCluster) err(`-${key}: no such ipset "${a.name}"${unknownHint(a.name, 'ipset')}`);
    return null;
  }
  const cidr =
    (a.scope !== 'dc' ? s.guestAliases?.get(a.name) : undefined) ??
    (a.scope !== 'guest' ? s.clusterAliases.get(a.name) : undefined);
  if (cidr === undefined) {
    err(`-${key}: no such alias "${a.name}"${unknownHint(a.name, 'alias')}`);
    return null;
  }
  const c = parseCidr(cidr, true);
  return 'v' in c ? c.v : null;
}

function unknownHint(name: string, what: string): string {
  if (name === 'management' || name === 'local_network') {
    return ` (the implicit ${name} ${what} exists only at compile time; define it in cluster.fw to reference it)`;
  }
  if (name !== name.toLowerCase()) return ` (${what} names are stored in lower case)`;
  return ' (it must be defined above this line, or in cluster.fw)';
}
