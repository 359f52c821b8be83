import { type Cidr, isCidrError, parseCidr } from '../parse/ip.js';
import type { AddrMatcher } from './crule.js';

// A list of CIDRs (a rule's "-source a,b" or a single address).
export class CidrList implements AddrMatcher {
  private readonly b4: number[] = [];
  private readonly m4: number[] = [];
  private readonly c6: Cidr[] = [];
  constructor(cidrs: readonly Cidr[]) {
    for (const c of cidrs) {
      if (c.v === 6) this.c6.push(c);
      else {
        this.b4.push(Number(c.base));
        this.m4.push(c.bits === 0 ? 0 : (0xffffffff << (32 - c.bits)) >>> 0);
      }
    }
  }
  has4(n: number): boolean {
    for (let i = 0; i < this.b4.length; i++) if ((n & (this.m4[i] as number)) >>> 0 === this.b4[i]) return true;
    return false;
  }
  has6(n: bigint): boolean {
    return this.c6.some((c) => n >> BigInt(128 - c.bits) === c.base >> BigInt(128 - c.bits));
  }
}

// iptables -m iprange.
export class IpRange implements AddrMatcher {
  constructor(
    private readonly v: 4 | 6,
    private readonly lo: bigint,
    private readonly hi: bigint,
  ) {}
  has4(n: number): boolean {
    return this.v === 4 && n >= Number(this.lo) && n <= Number(this.hi);
  }
  has6(n: bigint): boolean {
    return this.v === 6 && n >= this.lo && n <= this.hi;
  }
}

export function cidrMatcher(text: string): AddrMatcher | null {
  const c = parseCidr(text, true);
  return isCidrError(c) ? null : new CidrList([c]);
}
