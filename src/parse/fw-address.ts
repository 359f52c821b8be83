import { type Cidr, isCidrError, parseCidr, parseIp } from './ip.js';

// What a -source/-dest value (or an ipset entry) refers to, as Proxmox's parse_address_list sees it.
export type AddressSpec =
  | { kind: 'ipset'; scope: 'dc' | 'guest' | 'sdn' | null; name: string }
  | { kind: 'alias'; scope: 'dc' | 'guest' | null; name: string }
  | { kind: 'cidrs'; v: 4 | 6; cidrs: Cidr[] }
  | { kind: 'range'; v: 4 | 6; lo: bigint; hi: bigint };

const ALIAS_RE = /^(?:(dc|guest)\/)?([A-Za-z][A-Za-z0-9_-]+)$/;
const IPSET_RE = /^\+(?:(dc|guest|sdn)\/)?(\S+)$/;

export function parseAddress(text: string): AddressSpec | { error: string } {
  if (text.length > 512) return { error: 'address list is longer than 512 characters' };
  const set = IPSET_RE.exec(text);
  if (set) {
    const name = set[2] as string;
    if (name.length > 64) return { error: `ipset name "${name}" is longer than 64 characters` };
    return { kind: 'ipset', scope: (set[1] as 'dc' | 'guest' | 'sdn' | undefined) ?? null, name };
  }
  const alias = ALIAS_RE.exec(text);
  if (alias) {
    const name = alias[2] as string;
    if (name.length > 64) return { error: `alias name "${name}" is longer than 64 characters` };
    return { kind: 'alias', scope: (alias[1] as 'dc' | 'guest' | undefined) ?? null, name: name.toLowerCase() };
  }
  const items = text.split(',');
  if (items.some((i) => i === '')) return { error: `extraneous commas in address list "${text}"` };
  if (items.length === 1 && /^[^/]+-[^/]+$/.test(text)) {
    const [a, b] = text.split('-') as [string, string];
    const lo = parseIp(a);
    const hi = parseIp(b);
    if (!lo || !hi) return { error: `invalid IP range "${text}"` };
    if (lo.v !== hi.v) return { error: `IP range "${text}" mixes IPv4 and IPv6` };
    if (lo.n > hi.n) return { error: `IP range "${text}" is reversed` };
    return { kind: 'range', v: lo.v, lo: lo.n, hi: hi.n };
  }
  const cidrs: Cidr[] = [];
  for (const item of items) {
    if (item.includes('-') && items.length > 1) return { error: `IP range "${item}" is not allowed inside a list` };
    const c = parseCidr(item);
    if (isCidrError(c)) return { error: `invalid IP address: ${c.error}` };
    if (cidrs.length > 0 && cidrs[0]?.v !== c.v) return { error: `address list "${text}" mixes IPv4 and IPv6` };
    cidrs.push(c);
  }
  return { kind: 'cidrs', v: (cidrs[0] as Cidr).v, cidrs };
}

export function isAddressError(a: AddressSpec | { error: string }): a is { error: string } {
  return 'error' in a;
}
