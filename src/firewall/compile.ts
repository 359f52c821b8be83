import { isAddressError, parseAddress } from '../parse/fw-address.js';
import { isPortError, parsePortList } from '../parse/fw-ports.js';
import { icmpType, PROTOCOLS } from '../parse/fw-tables.js';
import { isCidrError, parseCidr } from '../parse/ip.js';
import { MACROS, type MacroEntry } from '../parse/macros.js';
import type { FwRule } from '../schema/pve.js';
import { CidrList, IpRange } from './addr-match.js';
import type { AddrMatcher, CompileScope, CRule } from './crule.js';

export type { CompileScope } from './crule.js';

const SIM_PROTOS = new Set([6, 17, 1, 2]);

function addr(
  text: string,
  scope: CompileScope,
): { m: AddrMatcher; v: 0 | 4 | 6; note: string | null } | { error: string } {
  const a = parseAddress(text);
  if (isAddressError(a)) return a;
  if (a.kind === 'range') return { m: new IpRange(a.v, a.lo, a.hi), v: a.v, note: 'an IP range (-m iprange)' };
  if (a.kind === 'cidrs')
    return { m: new CidrList(a.cidrs), v: a.v, note: a.cidrs.length > 1 ? 'an address list' : null };
  if (a.kind === 'alias') {
    const cidr =
      (a.scope !== 'dc' ? scope.guestAliases?.get(a.name) : undefined) ??
      (a.scope !== 'guest' ? scope.clusterAliases.get(a.name) : undefined);
    if (cidr === undefined) return { error: `no such alias "${text}"` };
    const c = parseCidr(cidr, true);
    if (isCidrError(c)) return { error: c.error };
    return { m: new CidrList([c]), v: c.v, note: null };
  }
  const set =
    (a.scope === null || a.scope === 'guest' ? scope.guestIpsets?.get(a.name) : undefined) ??
    (a.scope === null || a.scope === 'dc' ? scope.clusterIpsets.get(a.name) : undefined);
  if (!set) return { error: `no such ipset "${text}"` };
  return { m: set, v: 0, note: set.hasNomatch ? 'an ipset with nomatch entries' : null };
}

function ports(text: string | null | undefined): { r: number[] | null; note: string | null } | { error: string } {
  if (!text || text === '0') return { r: null, note: null }; // Perl: "0" is false -> no port match
  const p = parsePortList(text);
  if (isPortError(p)) return p;
  const note = p.ranges.length > 1 ? 'a port list (-m multiport)' : /[a-z]/i.test(text) ? 'a port name' : null;
  return { r: p.ranges.flat(), note };
}

// One FwRule -> its compiled forms (a macro gives one per entry). Returns an error string when
// Proxmox would fail to compile it.
export function compileRule(rule: FwRule, scope: CompileScope): CRule[] | { error: string } {
  const entries: Array<MacroEntry | null> = rule.macro ? [...(MACROS[rule.macro] ?? [])] : [null];
  const out: CRule[] = [];
  const src = rule.source ? addr(rule.source, scope) : null;
  const dst = rule.dest ? addr(rule.dest, scope) : null;
  if (src && 'error' in src) return src;
  if (dst && 'error' in dst) return dst;
  for (const e of entries) {
    const protoText = e?.proto ?? rule.proto;
    const proto = protoText === null ? null : (PROTOCOLS[protoText] ?? Number(protoText));
    let family: 0 | 4 | 6 = src?.v || dst?.v || 0;
    if (protoText === 'icmp') family = 4;
    if (protoText === 'icmpv6' || protoText === 'ipv6-icmp') family = 6;
    if (e?.v4only) family = 4;
    if (e?.v6only) family = 6;
    const isIcmp = protoText === 'icmp' || protoText === 'icmpv6' || protoText === 'ipv6-icmp';
    const dportText = e?.dport ?? rule.dport;
    let icmp = null;
    let dp: { r: number[] | null; note: string | null } = { r: null, note: null };
    // "-dport 0" skips verification ("0" is false in Perl) but still becomes "--icmp-type 0".
    const icmpText = rule.icmpType ?? (isIcmp && dportText ? dportText : null);
    if (isIcmp && icmpText !== null) {
      icmp = icmpType(icmpText, family === 6 ? 6 : 4);
      if (!icmp) return { error: `unknown ICMP type "${icmpText}"` };
    } else {
      const d = ports(dportText);
      if ('error' in d) return d;
      dp = d;
    }
    const sp = ports(e?.sport ?? rule.sport);
    if ('error' in sp) return sp;
    const notes = [
      src?.note,
      dst?.note,
      dp.note,
      sp.r ? '--sport' : null,
      proto !== null && (!SIM_PROTOS.has(proto) || /^\d+$/.test(protoText ?? '')) ? `protocol ${protoText}` : null,
      rule.log && rule.log !== 'nolog' && scope.logRateLimited ? 'a log rule (-m limit)' : null,
    ].filter((n): n is string => !!n);
    out.push({
      rule,
      family,
      iface: rule.iface ? rule.iface.replace(/\+$/, '') : null,
      ifaceWild: rule.iface?.endsWith('+') ?? false,
      proto,
      dports: dp.r,
      sports: sp.r,
      icmp: icmp && icmp.type >= 0 ? icmp : null,
      icmpText: icmp && icmp.type >= 0 ? icmpText : null,
      src: src?.m ?? null,
      dst: dst?.m ?? null,
      target:
        rule.direction === 'GROUP'
          ? { kind: 'group', name: rule.action }
          : { kind: 'verdict', action: rule.action as 'ACCEPT' | 'DROP' | 'REJECT' },
      simNote: notes.length > 0 ? notes.join(', ') : null,
    });
  }
  return out;
}
