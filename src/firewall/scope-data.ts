import { OPTION_DEFAULTS } from '../parse/fw-options.js';
import { isCidrError, parseCidr } from '../parse/ip.js';
import type { FwFile, FwFileKind, FwIpset } from '../schema/pve.js';
import { IpsetIndex } from './ipset-index.js';

// Option values with Proxmox's effective defaults, and the line that set each one.
export function optionReader(file: FwFile | null, kind: FwFileKind) {
  return {
    opt: (key: string): string => file?.options[key]?.value ?? OPTION_DEFAULTS[kind][key] ?? '',
    optLine: (key: string): number | null => file?.options[key]?.line ?? null,
  };
}

export type AliasLookup = (name: string, scope: string | null) => string | undefined;

// Ipset entries -> index; alias entries resolve through `aliasOf` (guest first, then cluster).
export function indexEntries(entries: FwIpset['entries'], aliasOf: AliasLookup, extra: string[] = []): IpsetIndex {
  const out = [];
  for (const e of entries) {
    const m = /^(?:(dc|guest)\/)?([A-Za-z][A-Za-z0-9_-]+)$/.exec(e.value);
    const text = m ? aliasOf((m[2] as string).toLowerCase(), m[1] ?? null) : e.value;
    if (text === undefined) continue;
    const c = parseCidr(text, true);
    if (!isCidrError(c)) out.push({ cidr: c, nomatch: e.nomatch });
  }
  for (const text of extra) {
    const c = parseCidr(text, true);
    if (!isCidrError(c)) out.push({ cidr: c, nomatch: false });
  }
  return new IpsetIndex(out);
}

export function ipsetIndexes(file: FwFile | null, aliasOf: AliasLookup): Map<string, IpsetIndex> {
  return new Map(Object.values(file?.ipsets ?? {}).map((s) => [s.name, indexEntries(s.entries, aliasOf)]));
}
