import type { KMatch, KPre } from './types.js';

// A rule's matches split once, at parse time, into the conditions the walk compares inline (plain
// numbers and strings on the rule) and the closures it still has to call. On a Proxmox ruleset
// nearly every rule is rejected by its protocol, port, address or bridge port, so most rules
// never call a closure. Each inline condition means exactly what the match's `test` computes.
export function compileMatches(matches: readonly KMatch[]): { pre: KPre; rest: KMatch[] } {
  const pre: KPre = {
    proto: -1,
    states: 0,
    src4Mask: -1,
    src4Base: 0,
    dst4Mask: -1,
    dst4Base: 0,
    dportLo: -1,
    dportHi: -1,
    dportProto: -1,
    sportLo: -1,
    sportHi: -1,
    sportProto: -1,
    physIn: null,
    physOut: null,
    bridged: false,
  };
  const rest: KMatch[] = [];
  for (const m of matches) {
    const i = m.inline;
    // the first condition of a kind goes inline; a second of the same kind stays a closure
    if (i?.k === 'proto' && pre.proto === -1) pre.proto = i.proto;
    else if (i?.k === 'states' && pre.states === 0) pre.states = i.bits;
    else if (i?.k === 'src4' && pre.src4Mask === -1) {
      pre.src4Mask = i.mask;
      pre.src4Base = i.base;
    } else if (i?.k === 'dst4' && pre.dst4Mask === -1) {
      pre.dst4Mask = i.mask;
      pre.dst4Base = i.base;
    } else if (i?.k === 'dport' && pre.dportLo === -1) {
      pre.dportLo = i.lo;
      pre.dportHi = i.hi;
      pre.dportProto = i.proto;
    } else if (i?.k === 'sport' && pre.sportLo === -1) {
      pre.sportLo = i.lo;
      pre.sportHi = i.hi;
      pre.sportProto = i.proto;
    } else if (i?.k === 'physIn' && pre.physIn === null) pre.physIn = i.name;
    else if (i?.k === 'physOut' && pre.physOut === null) pre.physOut = i.name;
    else if (i?.k === 'bridged') pre.bridged = true;
    else rest.push(m);
  }
  return { pre, rest };
}

// The inline conditions of every rule of a chain, packed into one Int32Array (STRIDE words per
// rule), so the walk reads consecutive memory instead of following a pointer per rule. Bridge port
// names become small numbers from `ports`, shared by the whole table.
export const STRIDE = 16;
export const F = {
  proto: 1,
  states: 2,
  src4: 4,
  dst4: 8,
  dport: 16,
  sport: 32,
  physIn: 64,
  physOut: 128,
  bridged: 256,
} as const;

export function portId(ports: Map<string, number>, name: string): number {
  let id = ports.get(name);
  if (id === undefined) {
    id = ports.size;
    ports.set(name, id);
  }
  return id;
}

export function packRules(pres: readonly KPre[], ports: Map<string, number>): Int32Array {
  const a = new Int32Array(pres.length * STRIDE);
  pres.forEach((q, i) => {
    const o = i * STRIDE;
    let f = 0;
    if (q.proto >= 0) f |= F.proto;
    if (q.states !== 0) f |= F.states;
    if (q.src4Mask !== -1) f |= F.src4;
    if (q.dst4Mask !== -1) f |= F.dst4;
    if (q.dportLo >= 0) f |= F.dport;
    if (q.sportLo >= 0) f |= F.sport;
    if (q.physIn !== null) f |= F.physIn;
    if (q.physOut !== null) f |= F.physOut;
    if (q.bridged) f |= F.bridged;
    a[o] = f;
    a[o + 1] = q.proto;
    a[o + 2] = q.states;
    a[o + 3] = q.src4Mask | 0; // compared as int32 on both sides
    a[o + 4] = q.src4Base | 0;
    a[o + 5] = q.dst4Mask | 0;
    a[o + 6] = q.dst4Base | 0;
    a[o + 7] = q.dportLo;
    a[o + 8] = q.dportHi;
    a[o + 9] = q.dportProto;
    a[o + 10] = q.sportLo;
    a[o + 11] = q.sportHi;
    a[o + 12] = q.sportProto;
    a[o + 13] = q.physIn === null ? -1 : portId(ports, q.physIn);
    a[o + 14] = q.physOut === null ? -1 : portId(ports, q.physOut);
  });
  return a;
}
