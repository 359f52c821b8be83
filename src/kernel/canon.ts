import { tokenize } from './tokens.js';
import {
  normMac,
  parseAddr,
  parseIcmp,
  parseMark,
  parsePortList,
  parsePortRange,
  parseTcpFlags,
  protoNumber,
} from './values.js';

// One rule as an order-free key, so that the text pve-firewall generates ("-p tcp --dport 443
// -j ACCEPT") and the text iptables-save prints back ("-p tcp -m tcp --dport 443 -j ACCEPT")
// compare equal. Comments and rate limits are left out: they never decide a verdict.

const IMPLICIT = new Set(['tcp', 'udp', 'icmp', 'icmp6', 'icmpv6', 'comment', 'limit']);
const SKIP_OPTS = new Set(['--comment', '--limit', '--limit-burst']);
const ARITY: Readonly<Record<string, number>> = {
  '--tcp-flags': 2,
  '--syn': 0,
  '--physdev-is-bridged': 0,
  '--physdev-is-in': 0,
  '--physdev-is-out': 0,
  '--match-set': 2,
  '--return-nomatch': 0,
  '--restore-mark': 0,
  '--save-mark': 0,
};

function addr(v: string): string {
  const a = parseAddr(v);
  if (!a) return v;
  return a.v === 4 ? `${a.base4}/${a.mask4}` : `${a.base6}/${a.mask6}`;
}

function markText(v: string): string {
  const m = parseMark(v);
  return m ? `${m.value}/${m.mask}` : v;
}

function value(opt: string, args: string[]): string {
  const a = args[0] ?? '';
  switch (opt) {
    case '--dport':
    case '--sport':
    case '--destination-port':
    case '--source-port':
      return parsePortRange(a)?.join(':') ?? a;
    case '--dports':
    case '--sports':
    case '--ports':
      return parsePortList(a)?.join(',') ?? a;
    case '--ctstate':
    case '--state':
      return a.toUpperCase().split(',').sort().join(',');
    case '--mac-source':
      return normMac(a) ?? a;
    case '--mark':
    case '--set-mark':
    case '--set-xmark':
      return markText(a);
    case '--tcp-flags':
      return `${parseTcpFlags(a)}/${parseTcpFlags(args[1] ?? '')}`;
    case '--icmp-type':
    case '--icmpv6-type': {
      const t = parseIcmp(a, opt === '--icmp-type' ? 4 : 6);
      return t ? `${t.type}/${t.code ?? ''}` : a;
    }
    case '--src-type':
    case '--dst-type':
      return a.toUpperCase();
    default:
      return args.join(' ');
  }
}

const OPT_ALIAS: Readonly<Record<string, string>> = {
  '--destination-port': '--dport',
  '--source-port': '--sport',
  '--destination-ports': '--dports',
  '--source-ports': '--sports',
  '--state': '--ctstate',
  '--set-mark': '--set-xmark',
  '--source': '-s',
  '--destination': '-d',
  '--protocol': '-p',
  '--in-interface': '-i',
  '--out-interface': '-o',
};

export function canonicalWords(words: readonly string[]): string {
  const items: string[] = [];
  let target = '';
  let mod: string | null = null;
  let neg = false;
  let i = 0;
  while (i < words.length) {
    const raw = words[i] as string;
    const w = OPT_ALIAS[raw] ?? raw;
    if (w === '!') {
      neg = true;
      i++;
      continue;
    }
    const bang = neg ? '!' : '';
    neg = false;
    if (w === '-s' || w === '-d') {
      items.push(`${bang}${w} ${addr(words[i + 1] ?? '')}`);
      i += 2;
    } else if (w === '-p') {
      const p = words[i + 1] ?? '';
      items.push(`${bang}-p ${protoNumber(p) ?? p}`);
      // pve-firewall writes "-m set --match-set X src -p tcp --dport 443": the --dport after -p
      // belongs to the protocol's implicit match, not to the set module named before it.
      mod = null;
      i += 2;
    } else if (w === '-i' || w === '-o') {
      items.push(`${bang}${w} ${words[i + 1] ?? ''}`);
      i += 2;
    } else if (w === '-m' || w === '--match') {
      mod = words[i + 1] ?? null;
      i += 2;
    } else if (w === '-j' || w === '--jump' || w === '-g' || w === '--goto') {
      const name = words[i + 1] ?? '';
      const rest: string[] = [];
      for (let k = i + 2; k < words.length; ) {
        const o = OPT_ALIAS[words[k] as string] ?? (words[k] as string);
        const n = ARITY[o] ?? 1;
        const args = words.slice(k + 1, k + 1 + n) as string[];
        rest.push(`${o} ${value(o, args)}`.trim());
        k += 1 + n;
      }
      target = `${w === '-g' || w === '--goto' ? '-g' : '-j'} ${name}${rest.length ? ` ${rest.sort().join(' ')}` : ''}`;
      break;
    } else if (w.startsWith('--')) {
      const n = ARITY[w] ?? 1;
      const args = words.slice(i + 1, i + 1 + n) as string[];
      if (!SKIP_OPTS.has(w)) {
        const scope = mod && !IMPLICIT.has(mod) ? mod : '';
        items.push(`${bang}${scope}${w} ${value(w, args)}`);
      }
      i += 1 + n;
    } else {
      items.push(`${bang}${w}`);
      i++;
    }
  }
  return `${items.sort().join(' ')} => ${target}`;
}

export const canonicalRule = (spec: string): string => canonicalWords(tokenize(spec));
