import { CT_BITS, type Inline, type KMatch, type KPacket, type MatchCtx, type Tri, type WalkState } from './types.js';
import {
  addrHas,
  ifaceTest,
  inRanges,
  normMac,
  parseAddr,
  parseIcmp,
  parseMark,
  parsePortList,
  parsePortRange,
  parseTcpFlags,
  protoNumber,
} from './values.js';

// One `-m module --option value` (or a basic -s/-d/-p/-i/-o) as a test on the walked packet.
// Anything not understood becomes an unknown match: the walk stops there and names the rule.

const unknown = (text: string, why?: string): KMatch => ({
  text: why ? `${text} (${why})` : text,
  known: false,
  test: () => 'unknown',
});

const neg = (n: boolean, f: (s: WalkState) => Tri) =>
  n
    ? (s: WalkState): Tri => {
        const r = f(s);
        return r === 'unknown' ? r : !r;
      }
    : f;

const known = (text: string, n: boolean, f: (s: WalkState) => Tri, extra: Partial<KMatch> = {}): KMatch => ({
  text: n ? `! ${text}` : text,
  known: true,
  test: neg(n, f),
  ...extra,
});

export function addrMatch(which: 'src' | 'dst', value: string, n: boolean, opt: string): KMatch {
  const a = parseAddr(value);
  if (!a) return unknown(`${opt} ${value}`, 'not an address');
  const inline: Inline | undefined =
    !n && a.v === 4 ? { k: which === 'src' ? 'src4' : 'dst4', base: a.base4, mask: a.mask4 } : undefined;
  return known(
    `${opt} ${value}`,
    n,
    (s) => (which === 'src' ? addrHas(a, s.p.v, s.p.src4, s.p.src6) : addrHas(a, s.p.v, s.p.dst4, s.p.dst6)),
    inline ? { inline } : {},
  );
}

export function protoMatch(value: string, n: boolean): KMatch {
  const num = protoNumber(value);
  if (num === null) return unknown(`-p ${value}`, 'unknown protocol');
  const extra: Partial<KMatch> = !n && num !== 0 ? { inline: { k: 'proto', proto: num } } : {};
  return known(`-p ${value}`, n, num === 0 ? () => true : (s) => s.p.proto === num, extra);
}

export function ifaceMatch(which: 'in' | 'out', value: string, n: boolean): KMatch {
  const t = ifaceTest(value);
  return known(`-${which === 'in' ? 'i' : 'o'} ${value}`, n, (s) => t(which === 'in' ? s.hop.inIface : s.hop.outIface));
}

// How many words an option of a module takes (default 1).
const ARITY: Readonly<Record<string, number>> = {
  '--tcp-flags': 2,
  '--syn': 0,
  '--physdev-is-bridged': 0,
  '--physdev-is-in': 0,
  '--physdev-is-out': 0,
  '--match-set': 2,
  '--return-nomatch': 0,
  '--update-counters': 0,
  '--update-subcounters': 0,
  '--ctdir': 1,
};

export const optionArity = (opt: string): number => ARITY[opt] ?? 1;

const portOf = (p: KPacket, which: 'sport' | 'dport') => p[which];
const hasPorts = (p: KPacket) => p.proto === 6 || p.proto === 17 || p.proto === 132 || p.proto === 136;

function portMatch(text: string, which: 'sport' | 'dport', value: string, n: boolean, proto: number | null): KMatch {
  const r = parsePortRange(value);
  if (!r) return unknown(text, 'bad port');
  const extra: Partial<KMatch> = !n && proto !== null ? { inline: { k: which, lo: r[0], hi: r[1], proto } } : {};
  // -m tcp/-m udp only matches its own protocol; the port test is meaningless otherwise.
  return known(
    text,
    n,
    (s) => {
      if (proto !== null && s.p.proto !== proto) return false;
      const port = portOf(s.p, which);
      return port !== null && port >= r[0] && port <= r[1];
    },
    extra,
  );
}

// Builds the match for one option of `module`; args are the option's words.
export function moduleMatch(module: string, opt: string, args: string[], n: boolean, ctx: MatchCtx): KMatch {
  const text = [`-m ${module}`, opt, ...args].join(' ');
  const a0 = args[0] ?? '';
  switch (module) {
    case 'tcp':
    case 'udp': {
      const proto = module === 'tcp' ? 6 : 17;
      if (opt === '--dport' || opt === '--destination-port') return portMatch(text, 'dport', a0, n, proto);
      if (opt === '--sport' || opt === '--source-port') return portMatch(text, 'sport', a0, n, proto);
      if (module === 'tcp' && (opt === '--tcp-flags' || opt === '--syn')) {
        const mask = opt === '--syn' ? 0x17 : parseTcpFlags(a0);
        const comp = opt === '--syn' ? 0x02 : parseTcpFlags(args[1] ?? '');
        if (mask === null || comp === null) return unknown(text, 'bad TCP flags');
        return known(text, n, (s) => s.p.proto === 6 && (s.p.tcpFlags & mask) === comp);
      }
      return unknown(text);
    }
    case 'multiport': {
      const which = ['--dports', '--destination-ports'].includes(opt)
        ? 'dport'
        : ['--sports', '--source-ports'].includes(opt)
          ? 'sport'
          : opt === '--ports'
            ? 'both'
            : null;
      const list = parsePortList(a0);
      if (!which || !list) return unknown(text);
      return known(text, n, (s) => {
        if (!hasPorts(s.p)) return false;
        const d = s.p.dport !== null && inRanges(list, s.p.dport);
        const sp = s.p.sport !== null && inRanges(list, s.p.sport);
        return which === 'dport' ? d : which === 'sport' ? sp : d || sp;
      });
    }
    case 'icmp':
    case 'icmp6':
    case 'icmpv6': {
      const v = module === 'icmp' ? 4 : 6;
      const t = parseIcmp(a0, v);
      if ((opt !== '--icmp-type' && opt !== '--icmpv6-type') || !t) return unknown(text);
      const proto = v === 4 ? 1 : 58;
      return known(text, n, (s) => {
        if (s.p.proto !== proto || s.p.icmpType === null) return false;
        if (t.type === -1) return true;
        return s.p.icmpType === t.type && (t.code === null || s.p.icmpCode === t.code);
      });
    }
    case 'conntrack':
    case 'state': {
      if (opt !== '--ctstate' && opt !== '--state') return unknown(text);
      const words = a0.toUpperCase().split(',');
      const states = new Set(words);
      // SNAT/DNAT and the like are not packet states the walk models: no inline test for them
      const bits = words.every((w) => CT_BITS[w] !== undefined)
        ? words.reduce((b, w) => b | (CT_BITS[w] as number), 0)
        : 0;
      const extra: Partial<KMatch> = !n && bits !== 0 ? { inline: { k: 'states', bits } } : {};
      return known(text, n, (s) => states.has(s.p.ctstate), extra);
    }
    case 'physdev':
      return physdevMatch(text, opt, a0, n);
    case 'mac': {
      const mac = opt === '--mac-source' ? normMac(a0) : null;
      if (!mac) return unknown(text);
      return known(text, n, (s) => (s.p.srcMac === null ? 'unknown' : s.p.srcMac === mac));
    }
    case 'addrtype': {
      if (opt !== '--src-type' && opt !== '--dst-type') return unknown(text);
      const types = new Set(a0.toUpperCase().split(','));
      return known(text, n, (s) => types.has(opt === '--src-type' ? s.p.srcType : s.p.dstType));
    }
    case 'comment':
      return known(text, false, () => true);
    case 'limit':
      // A probe's few packets stay within any burst: the rule matches them.
      if (opt === '--limit' || opt === '--limit-burst') return known(text, false, () => true);
      return unknown(text);
    case 'mark':
    case 'connmark': {
      const m = opt === '--mark' ? parseMark(a0) : null;
      if (!m) return unknown(text);
      return known(text, n, (s) => ((module === 'mark' ? s.mark : s.connmark) & m.mask) >>> 0 === m.value);
    }
    case 'iprange': {
      const [lo, hi] = a0.split('-').map((x) => parseAddr(x));
      if ((opt !== '--src-range' && opt !== '--dst-range') || !lo || !hi || lo.v !== 4 || hi.v !== 4)
        return unknown(text);
      const src = opt === '--src-range';
      return known(text, n, (s) => {
        if (s.p.v !== 4) return false;
        const x = src ? s.p.src4 : s.p.dst4;
        return x >= lo.base4 && x <= hi.base4;
      });
    }
    case 'set':
      return setMatch(text, opt, args, n, ctx);
    default:
      return unknown(text, `module "${module}" is not modelled`);
  }
}

function physdevMatch(text: string, opt: string, value: string, n: boolean): KMatch {
  switch (opt) {
    case '--physdev-in':
    case '--physdev-out': {
      const t = ifaceTest(value);
      const out = opt === '--physdev-out';
      const exact = !value.endsWith('+') && !n;
      return known(
        text,
        n,
        (s) => t(out ? s.hop.physOut : s.hop.physIn),
        exact
          ? out
            ? { physOut: value, inline: { k: 'physOut', name: value } }
            : { physIn: value, inline: { k: 'physIn', name: value } }
          : {},
      );
    }
    case '--physdev-is-bridged':
      return known(text, n, (s) => s.hop.bridged, n ? {} : { inline: { k: 'bridged' } });
    case '--physdev-is-in':
      return known(text, n, (s) => s.hop.physIn !== null);
    case '--physdev-is-out':
      return known(text, n, (s) => s.hop.physOut !== null);
    default:
      return unknown(text);
  }
}

function setMatch(text: string, opt: string, args: string[], n: boolean, ctx: MatchCtx): KMatch {
  if (opt === '--return-nomatch' || opt === '--update-counters' || opt === '--update-subcounters')
    return known(text, false, () => true);
  if (opt !== '--match-set') return unknown(text);
  const name = args[0] ?? '';
  const dir = (args[1] ?? '').split(',')[0];
  if (ctx.ipsets === null) return unknown(text, 'ipset contents were not collected');
  const set = ctx.ipsets.get(name);
  if (!set) return unknown(text, `no ipset "${name}" in ipset save`);
  if (dir !== 'src' && dir !== 'dst') return unknown(text);
  if (!/^hash:(net|ip)$/.test(set.type)) return unknown(text, `ipset type ${set.type} is not modelled`);
  return known(text, n, (s) => {
    if (s.p.v !== set.family) return false;
    const src = dir === 'src';
    return s.p.v === 4 ? set.index.has4(src ? s.p.src4 : s.p.dst4) : set.index.has6(src ? s.p.src6 : s.p.dst6);
  });
}
