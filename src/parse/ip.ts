// IP literals and CIDRs as numbers, shared by the rule verifier and the simulator.
// IPv4 is a uint32 in a JS number (fast path); IPv6 is a bigint.

export interface Cidr {
  v: 4 | 6;
  base: bigint; // network address
  bits: number; // prefix length
}

// Hand-rolled: this runs for every simulated packet.
export function parseIpv4(text: string): number | null {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return null;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return null; // leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return n * 256 + octet;
}

export function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return null;
  let head = text;
  let tail4: number | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail4 = parseIpv4(text.slice(lastColon + 1));
    if (tail4 === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (s: string): string[] | null => (s === '' ? [] : s.split(':'));
  const left = parseGroups(halves[0] as string);
  const right = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (!left || !right) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(Number.parseInt(g, 16));
  }
  if (tail4 !== null) n = (n & ~0xffffffffn) | BigInt(tail4);
  return n;
}

export function parseIp(text: string): { v: 4 | 6; n: bigint } | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { v: 4, n: BigInt(v4) };
  const v6 = parseIpv6(text);
  return v6 === null ? null : { v: 6, n: v6 };
}

export function maskOf(v: 4 | 6, bits: number): bigint {
  const width = v === 4 ? 32n : 128n;
  const all = (1n << width) - 1n;
  return bits === 0 ? 0n : all ^ ((1n << (width - BigInt(bits))) - 1n);
}

// "10.0.0.0/24" or a plain IP (full-length prefix). `hostBitsOk` mirrors ipset entries and
// aliases, which Proxmox accepts with host bits set; rules reject them.
export function parseCidr(text: string, hostBitsOk = false): Cidr | { error: string } {
  const slash = text.indexOf('/');
  const ipText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(ipText);
  if (!ip) return { error: `"${ipText}" is not an IP address` };
  const max = ip.v === 4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const b = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b) || Number(b) > max) return { error: `"${b}" is not a valid prefix length for IPv${ip.v}` };
    bits = Number(b);
  }
  const mask = maskOf(ip.v, bits);
  if (!hostBitsOk && (ip.n & mask) !== ip.n) {
    return { error: `"${text}" has host bits set (did you mean ${formatIp(ip.v, ip.n & mask)}/${bits}?)` };
  }
  return { v: ip.v, base: ip.n & mask, bits };
}

export function isCidrError(c: Cidr | { error: string }): c is { error: string } {
  return 'error' in c;
}

export function formatIp(v: 4 | 6, n: bigint): string {
  if (v === 4) {
    const x = Number(n);
    return [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

export function formatCidr(c: Cidr): string {
  const full = c.v === 4 ? 32 : 128;
  return c.bits === full ? formatIp(c.v, c.base) : `${formatIp(c.v, c.base)}/${c.bits}`;
}

export function cidrContains(c: Cidr, v: 4 | 6, n: bigint): boolean {
  return c.v === v && (n & maskOf(v, c.bits)) === c.base;
}
