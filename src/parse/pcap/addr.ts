// Address words <-> text. Flows keep addresses as words; text is made once per flow or kept event.

export function formatIpv4(w: number): string {
  return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
}

// RFC 5952: lower case, longest run (>= 2) of zero groups as "::", IPv4-mapped shown dotted.
export function formatIpv6(words: ArrayLike<number>): string {
  const g: number[] = [];
  for (let i = 0; i < 4; i++) g.push(words[i]! >>> 16, words[i]! & 0xffff);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${formatIpv4(words[3]!)}`;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function formatAddress(version: 0 | 4 | 6, words: ArrayLike<number>): string {
  return version === 6 ? formatIpv6(words) : formatIpv4(words[0]!);
}

export interface ParsedAddress {
  version: 4 | 6;
  words: Uint32Array;
}

function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((x) => x > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

// Accepts dotted IPv4 and any IPv6 text form (with "::" and a dotted tail); null otherwise.
export function parseAddress(text: string): ParsedAddress | null {
  const v4 = parseIpv4(text.trim());
  if (v4 !== null) return { version: 4, words: Uint32Array.of(v4, 0, 0, 0) };
  let s = text
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const w = parseIpv4(tail[1]!);
    if (w === null) return null;
    s = `${s.slice(0, -tail[1]!.length)}${(w >>> 16).toString(16)}:${(w & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - rest.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...rest];
  if (groups.length !== 8 || groups.some((x) => !/^[0-9a-f]{1,4}$/.test(x))) return null;
  const n = groups.map((x) => Number.parseInt(x, 16));
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = ((n[2 * i]! << 16) | n[2 * i + 1]!) >>> 0;
  return { version: 6, words };
}

export function sameAddress(a: Uint32Array, b: Uint32Array): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}
