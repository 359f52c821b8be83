import type { CRule } from './crule.js';
import type { Packet } from './packet.js';

const ALL: readonly number[] = [];

// A rule list with a port index: rules pinned to tcp/udp destination ports are bucketed by port
// segment, so a packet only visits the rules that can match its port plus the port-less ones,
// still in file order. Small lists are scanned as they are.
export class IndexedRules {
  readonly rules: readonly CRule[];
  private readonly generic: number[] = [];
  private readonly byProto = new Map<number, { bounds: number[]; segs: number[][] }>();
  private readonly everything: number[];

  constructor(rules: readonly CRule[]) {
    this.rules = rules;
    this.everything = rules.map((_, i) => i);
    const specific = new Map<number, number[]>();
    rules.forEach((r, i) => {
      const pinned = r.target.kind === 'verdict' && r.dports !== null && (r.proto === 6 || r.proto === 17);
      if (!pinned || rules.length < 16) {
        this.generic.push(i);
        return;
      }
      const list = specific.get(r.proto as number) ?? [];
      list.push(i);
      specific.set(r.proto as number, list);
    });
    for (const [proto, idx] of specific) {
      const points = new Set<number>();
      for (const i of idx) {
        const d = rules[i]?.dports as number[];
        for (let k = 0; k < d.length; k += 2) points.add(d[k] as number).add((d[k + 1] as number) + 1);
      }
      const bounds = [...points].sort((a, b) => a - b);
      const segs: number[][] = bounds.map(() => []);
      for (const i of idx) {
        const d = rules[i]?.dports as number[];
        for (let k = 0; k < d.length; k += 2) {
          for (
            let s = upper(bounds, d[k] as number) - 1;
            s < bounds.length && (bounds[s] as number) <= (d[k + 1] as number);
            s++
          ) {
            const seg = segs[s] as number[];
            if (seg[seg.length - 1] !== i) seg.push(i);
          }
        }
      }
      this.byProto.set(proto, { bounds, segs });
    }
  }

  // Two ascending index lists whose merge is the candidate rules in file order.
  candidates(p: Packet): [readonly number[], readonly number[]] {
    if (this.byProto.size === 0) return [this.generic, ALL];
    const ix = this.byProto.get(p.proto);
    if (!ix) return [this.generic, ALL];
    if (p.dport === null) return [this.everything, ALL];
    const s = upper(ix.bounds, p.dport) - 1;
    return [this.generic, s < 0 ? ALL : (ix.segs[s] as number[])];
  }
}

// First index whose bound is greater than v.
function upper(a: readonly number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
