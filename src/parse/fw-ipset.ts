import type { FwFileKind, FwIpset } from '../schema/pve.js';
import { splitComment } from './fw-comment.js';
import type { RuleScope } from './fw-rule.js';
import { isCidrError, parseCidr } from './ip.js';

type Entry = FwIpset['entries'][number];

// One [IPSET] line: "[!]IP|CIDR|alias [# comment]". Aliases must already be defined (one pass).
export function parseIpsetEntry(
  line: string,
  lineNo: number,
  set: FwIpset,
  scope: RuleScope | undefined,
  kind: FwFileKind,
): Entry | { error: string } {
  const split = splitComment(line);
  const body = split.body.trim();
  const comment = split.comment || null;
  const m = /^(!)?\s*(\S+)$/.exec(body);
  if (!m) return { error: `"${line}" is not "[!]IP, CIDR or alias"` };
  const nomatch = m[1] === '!';
  let value = m[2] as string;
  const alias = /^(?:(dc|guest)\/)?([A-Za-z][A-Za-z0-9_-]+)$/.exec(value);
  if (alias) {
    const name = (alias[2] as string).toLowerCase();
    const sc = alias[1] ?? null;
    if (sc === 'guest' && kind !== 'guest')
      return { error: `alias "${value}" uses the guest/ scope outside a guest file` };
    if (scope) {
      const found =
        (sc !== 'dc' ? scope.guestAliases?.get(name) : undefined) ??
        (sc !== 'guest' ? scope.clusterAliases.get(name) : undefined);
      if (found === undefined)
        return { error: `no such alias "${value}" (it must be defined above, or in cluster.fw)` };
    }
  } else {
    value = value.replace(/\/32$/, value.includes(':') ? '/32' : '').replace(/\/128$/, '');
    const c = parseCidr(value, true);
    if (isCidrError(c)) return { error: c.error };
    if (c.bits === 0) return { error: `a zero prefix ("${value}") is not allowed in ipset entries` };
  }
  if (set.entries.some((e) => e.value === value)) return { error: `duplicate entry "${value}"` };
  return { line: lineNo, nomatch, value, comment };
}
