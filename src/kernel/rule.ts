import { compileMatches } from './compile.js';
import { addrMatch, ifaceMatch, moduleMatch, optionArity, protoMatch } from './matches.js';
import { tokenize } from './tokens.js';
import type { KMatch, KPre, KTarget, MatchCtx } from './types.js';
import { parseMark } from './values.js';

const BUILTIN_TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG', 'NFLOG', 'ULOG', 'MARK', 'CONNMARK']);
// Modules iptables loads implicitly after -p tcp / -p udp when a rule is written by hand.
const IMPLICIT = new Set(['--dport', '--sport', '--destination-port', '--source-port', '--tcp-flags', '--syn']);

export interface ParsedRule {
  matches: KMatch[];
  target: KTarget;
  pvesig: string | null;
  pre: KPre; // the conditions the walk tests inline
  rest: KMatch[]; // the matches it calls
}

const isOptionStart = (w: string) => w === '!' || w.startsWith('-');

// The words of one rule after "-A CHAIN" -> its matches and target.
export function parseRuleWords(words: readonly string[], ctx: MatchCtx, chains: ReadonlySet<string>): ParsedRule {
  const matches: KMatch[] = [];
  let target: KTarget = { kind: 'none', text: '' };
  let pvesig: string | null = null;
  let module: string | null = null;
  let proto: string | null = null;
  let negate = false;
  let i = 0;
  const take = (k: number) => {
    const a = words.slice(i + 1, i + 1 + k) as string[];
    i += 1 + k;
    return a;
  };
  while (i < words.length) {
    const w = words[i] as string;
    if (w === '!') {
      negate = true;
      i++;
      continue;
    }
    const n = negate;
    negate = false;
    if (w === '-s' || w === '--source' || w === '-d' || w === '--destination') {
      const [v] = take(1);
      matches.push(addrMatch(w.startsWith('-s') || w === '--source' ? 'src' : 'dst', v ?? '', n, w));
    } else if (w === '-p' || w === '--protocol') {
      const [v] = take(1);
      proto = (v ?? '').toLowerCase();
      matches.push(protoMatch(v ?? '', n));
    } else if (w === '-i' || w === '--in-interface' || w === '-o' || w === '--out-interface') {
      const [v] = take(1);
      matches.push(ifaceMatch(w === '-i' || w === '--in-interface' ? 'in' : 'out', v ?? '', n));
    } else if (w === '-m' || w === '--match') {
      module = take(1)[0] ?? null;
    } else if (w === '-c' || w === '--set-counters') {
      take(2);
    } else if (w === '-j' || w === '--jump' || w === '-g' || w === '--goto') {
      const [name = ''] = take(0 + 1);
      const opts: string[] = [];
      while (i < words.length) opts.push(words[i++] as string);
      target = parseTarget(name, opts, w === '-g' || w === '--goto', chains);
    } else if (w.startsWith('--')) {
      const mod = module ?? (IMPLICIT.has(w) && (proto === 'tcp' || proto === 'udp') ? proto : null);
      let k = optionArity(w);
      if (mod === null || !KNOWN.has(mod)) {
        // an unknown module's options: take words up to the next option
        k = 0;
        while (i + 1 + k < words.length && !isOptionStart(words[i + 1 + k] as string)) k++;
      }
      const args = take(k);
      if (mod === 'comment' && w === '--comment') {
        const m = /^PVESIG:(\S+)$/.exec(args[0] ?? '');
        if (m?.[1]) pvesig = m[1];
      }
      matches.push(moduleMatch(mod ?? '(none)', w, args, n, ctx));
    } else {
      // -f and anything else iptables-save would not print for the filter table
      matches.push({ text: w, known: false, test: () => 'unknown' });
      i++;
    }
  }
  return { matches, target, pvesig, ...compileMatches(matches) };
}

const KNOWN = new Set([
  'tcp',
  'udp',
  'multiport',
  'icmp',
  'icmp6',
  'icmpv6',
  'conntrack',
  'state',
  'physdev',
  'mac',
  'addrtype',
  'comment',
  'limit',
  'mark',
  'connmark',
  'iprange',
  'set',
]);

function opt(opts: readonly string[], name: string): string | undefined {
  const i = opts.indexOf(name);
  return i < 0 ? undefined : opts[i + 1];
}

function parseTarget(name: string, opts: string[], goto: boolean, chains: ReadonlySet<string>): KTarget {
  const text = [goto ? '-g' : '-j', name, ...opts].join(' ');
  if (chains.has(name) || (!BUILTIN_TARGETS.has(name) && !/^[A-Z][A-Z0-9_]*$/.test(name)))
    return { kind: 'jump', chain: name, goto, text };
  switch (name) {
    case 'ACCEPT':
    case 'DROP':
    case 'REJECT':
      return { kind: 'verdict', action: name, text };
    case 'RETURN':
      return { kind: 'return', text };
    case 'LOG':
    case 'NFLOG':
    case 'ULOG':
      return { kind: 'continue', text };
    case 'MARK':
    case 'CONNMARK':
      return markTarget(name === 'CONNMARK', opts, text);
    default:
      return { kind: 'unknown', text };
  }
}

// MARK / CONNMARK as the xor/mask pair the kernel applies: mark = (mark & ~mask) ^ xor.
function markTarget(conn: boolean, opts: string[], text: string): KTarget {
  const bad: KTarget = { kind: 'unknown', text };
  const xmark = opt(opts, '--set-xmark') ?? opt(opts, '--set-mark');
  if (xmark !== undefined) {
    const m = parseMark(xmark);
    return m ? { kind: 'mark', xor: m.value, mask: m.mask, conn, op: 'xmark', text } : bad;
  }
  const and = opt(opts, '--and-mark');
  if (and !== undefined) {
    const m = parseMark(and);
    return m ? { kind: 'mark', xor: 0, mask: ~m.value >>> 0, conn, op: 'xmark', text } : bad;
  }
  const or = opt(opts, '--or-mark');
  if (or !== undefined) {
    const m = parseMark(or);
    return m ? { kind: 'mark', xor: m.value, mask: m.value, conn, op: 'xmark', text } : bad;
  }
  const xor = opt(opts, '--xor-mark');
  if (xor !== undefined) {
    const m = parseMark(xor);
    return m ? { kind: 'mark', xor: m.value, mask: 0, conn, op: 'xmark', text } : bad;
  }
  if (conn && opts.includes('--restore-mark')) return { kind: 'mark', op: 'restore', xor: 0, mask: 0, conn, text };
  if (conn && opts.includes('--save-mark')) return { kind: 'mark', op: 'save', xor: 0, mask: 0, conn, text };
  return bad;
}

// The matches of a rule spec as written after "-A CHAIN" (for tests and messages).
export function matchesOf(spec: string, ctx: MatchCtx = { ipsets: null }): KMatch[] {
  return parseRuleWords(tokenize(spec), ctx, new Set()).matches;
}
