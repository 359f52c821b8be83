import { type Cidr, maskOf } from '../parse/ip.js';

// An ipset as the kernel's hash:net holds it: the most specific matching prefix decides, and a
// nomatch entry there means "not in the set". IPv4 lookups go through one hash map per prefix
// length, so the cost depends on the number of distinct prefix lengths, not on the entry count.
export class IpsetIndex {
  private readonly lens4: number[] = [];
  private readonly masks4: number[] = [];
  private readonly maps4: Array<Map<number, boolean>> = [];
  private readonly v6: Array<{ c: Cidr; nomatch: boolean }> = [];
  readonly size: number;
  readonly hasNomatch: boolean;

  constructor(entries: ReadonlyArray<{ cidr: Cidr; nomatch: boolean }>) {
    const byLen = new Map<number, Map<number, boolean>>();
    for (const { cidr, nomatch } of entries) {
      if (cidr.v === 6) {
        this.v6.push({ c: cidr, nomatch });
        continue;
      }
      const m = byLen.get(cidr.bits) ?? new Map<number, boolean>();
      byLen.set(cidr.bits, m);
      const key = Number(cidr.base);
      if (!m.has(key) || nomatch) m.set(key, nomatch);
    }
    for (const len of [...byLen.keys()].sort((a, b) => b - a)) {
      this.lens4.push(len);
      this.masks4.push(len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
      this.maps4.push(byLen.get(len) as Map<number, boolean>);
    }
    this.v6.sort((a, b) => b.c.bits - a.c.bits);
    this.size = entries.length;
    this.hasNomatch = entries.some((e) => e.nomatch);
  }

  // true = in the set, false = a nomatch entry excludes it, null = no entry covers it.
  lookup4(n: number): boolean | null {
    const lens = this.masks4;
    for (let i = 0; i < lens.length; i++) {
      const hit = (this.maps4[i] as Map<number, boolean>).get((n & (lens[i] as number)) >>> 0);
      if (hit !== undefined) return !hit;
    }
    return null;
  }

  lookup6(n: bigint): boolean | null {
    for (const { c, nomatch } of this.v6) if ((n & maskOf(6, c.bits)) === c.base) return !nomatch;
    return null;
  }

  has4(n: number): boolean {
    return this.lookup4(n) === true;
  }

  has6(n: bigint): boolean {
    return this.lookup6(n) === true;
  }
}
