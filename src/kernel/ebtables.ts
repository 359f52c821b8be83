import { parseIpv4 } from '../parse/ip.js';
import type { KIssue } from './types.js';

// `ebtables-save` (filter table) -> chains of rules with the matches pve-firewall's
// compile_ebtables_filter writes: -p, -i/-o (+ wildcard), -s/-d MAC[/mask], --arp-op,
// --arp-ip-src/-dst, --arp-mac-src/-dst, --ip-src/--ip-dst, each possibly negated with "!".
// Anything else is kept as the rule's `unknown`, so the walk can say which rule it could not judge.
// Pure and total.

export type L2Proto = 'IPv4' | 'IPv6' | 'ARP' | 'RARP' | string;

export type EMatch =
  | { k: 'proto'; neg: boolean; v: string } // upper-case name or 0xNNNN
  | { k: 'in' | 'out' | 'logical-in' | 'logical-out'; neg: boolean; v: string }
  | { k: 'src' | 'dst' | 'arp-mac-src' | 'arp-mac-dst'; neg: boolean; mac: string; mask: string | null }
  | { k: 'arp-ip-src' | 'arp-ip-dst' | 'ip-src' | 'ip-dst'; neg: boolean; net: number; bits: number }
  | { k: 'arp-op'; neg: boolean; v: 1 | 2 };

export type ETarget = 'ACCEPT' | 'DROP' | 'RETURN' | 'CONTINUE' | { jump: string };

export interface ERule {
  chain: string;
  pos: number; // 1-based position in its chain
  line: number; // 1-based line in the evidence file
  text: string; // "-A chain ..." without counters
  spec: string; // the rule without "-A chain ": what `ebtables -D chain <spec>` takes
  matches: EMatch[];
  target: ETarget;
  unknown: string | null; // the first option the walk does not model
}

export interface EChain {
  name: string;
  policy: 'ACCEPT' | 'DROP' | 'RETURN';
  builtin: boolean;
  rules: ERule[];
}

export interface ETable {
  file: string;
  chains: Map<string, EChain>;
}

const BUILTIN = new Set(['INPUT', 'FORWARD', 'OUTPUT']);
const PROTO_ALIAS: Readonly<Record<string, string>> = {
  '0x0800': 'IPV4',
  '0x86dd': 'IPV6',
  '0x0806': 'ARP',
  '0x8035': 'RARP',
};

// A MAC as ebtables prints it (bc:24:11:5e:7a:1, zeros stripped) in canonical lower-case form.
export function canonMac(m: string): string | null {
  const parts = m.toLowerCase().split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-f]{1,2}$/.test(p))) return null;
  return parts.map((p) => p.padStart(2, '0')).join(':');
}

function macMatch(k: 'src' | 'dst' | 'arp-mac-src' | 'arp-mac-dst', neg: boolean, text: string): EMatch | null {
  const named: Readonly<Record<string, string>> = {
    broadcast: 'ff:ff:ff:ff:ff:ff/ff:ff:ff:ff:ff:ff',
    multicast: '01:00:00:00:00:00/01:00:00:00:00:00',
    unicast: '00:00:00:00:00:00/01:00:00:00:00:00',
  };
  const [m, mask] = (named[text.toLowerCase()] ?? text).split('/');
  const mac = canonMac(m ?? '');
  const msk = mask === undefined ? null : canonMac(mask);
  if (!mac || (mask !== undefined && !msk)) return null;
  return { k, neg, mac, mask: msk };
}

function ipMatch(k: 'arp-ip-src' | 'arp-ip-dst' | 'ip-src' | 'ip-dst', neg: boolean, text: string): EMatch | null {
  const [a, b] = text.split('/');
  const net = parseIpv4(a ?? '');
  if (net === null) return null;
  let bits = 32;
  if (b !== undefined) {
    if (/^\d+$/.test(b)) bits = Number(b);
    else {
      const m = parseIpv4(b);
      if (m === null) return null;
      bits = 0;
      for (let x = m; x & 0x80000000; x = (x << 1) >>> 0) bits++;
    }
  }
  if (bits < 0 || bits > 32) return null;
  return { k, neg, net, bits };
}

const OPT: Readonly<Record<string, EMatch['k']>> = {
  '-p': 'proto',
  '--proto': 'proto',
  '--protocol': 'proto',
  '-i': 'in',
  '--in-interface': 'in',
  '--in-if': 'in',
  '-o': 'out',
  '--out-interface': 'out',
  '--out-if': 'out',
  '--logical-in': 'logical-in',
  '--logical-out': 'logical-out',
  '-s': 'src',
  '--source': 'src',
  '--src': 'src',
  '-d': 'dst',
  '--destination': 'dst',
  '--dst': 'dst',
  '--arp-op': 'arp-op',
  '--arp-ip-src': 'arp-ip-src',
  '--arp-ip-dst': 'arp-ip-dst',
  '--arp-mac-src': 'arp-mac-src',
  '--arp-mac-dst': 'arp-mac-dst',
  '--ip-src': 'ip-src',
  '--ip-source': 'ip-src',
  '--ip-dst': 'ip-dst',
  '--ip-destination': 'ip-dst',
};

function parseRule(words: string[]): Pick<ERule, 'matches' | 'target' | 'unknown'> {
  const matches: EMatch[] = [];
  let target: ETarget = 'CONTINUE';
  let unknown: string | null = null;
  let neg = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '!') {
      neg = !neg;
      continue;
    }
    if (w === '-c' || w === '--set-counters') {
      i += 2; // ebtables-nft -c: packet and byte counters
      continue;
    }
    if (w === '-j' || w === '--jump') {
      const t = words[++i] ?? '';
      // a user chain, or an extension target (mark, snat, arpreply...): the walk tells them apart
      target = t === 'ACCEPT' || t === 'DROP' || t === 'RETURN' || t === 'CONTINUE' ? t : { jump: t };
      continue;
    }
    const k = OPT[w];
    let v = words[i + 1];
    if (k && v === '!') {
      neg = !neg;
      i++;
      v = words[i + 1];
    }
    if (!k || v === undefined) {
      // a watcher (--log*, --nflog*) leaves the frame alone; anything else we cannot judge
      if (/^--(log|nflog|ulog)/.test(w)) {
        if (words[i + 1] !== undefined && !words[i + 1]?.startsWith('-')) i++;
        continue;
      }
      unknown ??= w;
      continue;
    }
    i++;
    let m: EMatch | null;
    if (k === 'proto') {
      const up = v.toUpperCase();
      m = { k, neg, v: PROTO_ALIAS[v.toLowerCase()] ?? up };
    } else if (k === 'in' || k === 'out' || k === 'logical-in' || k === 'logical-out') m = { k, neg, v };
    else if (k === 'src' || k === 'dst' || k === 'arp-mac-src' || k === 'arp-mac-dst') m = macMatch(k, neg, v);
    else if (k === 'arp-op') {
      const op = v.toLowerCase() === 'request' || v === '1' ? 1 : v.toLowerCase() === 'reply' || v === '2' ? 2 : null;
      m = op === null ? null : { k, neg, v: op };
    } else m = ipMatch(k, neg, v);
    if (m) matches.push(m);
    else unknown ??= `${w} ${v}`;
    neg = false;
  }
  return { matches, target, unknown };
}

export function parseEbtablesSave(text: string, file: string): { table: ETable | null; issues: KIssue[] } {
  const issues: KIssue[] = [];
  const chains = new Map<string, EChain>();
  let table: string | null = null;
  let sawFilter = false;
  text.split('\n').forEach((raw, idx) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('*')) {
      table = line.slice(1);
      if (table === 'filter') sawFilter = true;
      return;
    }
    if (table !== 'filter') return;
    const pol = /^:(\S+)\s+(ACCEPT|DROP|RETURN)$/.exec(line);
    if (pol) {
      const name = pol[1] as string;
      chains.set(name, {
        name,
        policy: pol[2] as EChain['policy'],
        builtin: BUILTIN.has(name),
        rules: chains.get(name)?.rules ?? [],
      });
      return;
    }
    const words = line.split(/\s+/);
    if (words[0] !== '-A' || !words[1]) {
      issues.push({ file, line: idx + 1, message: `not an ebtables-save line: "${line.slice(0, 120)}"` });
      return;
    }
    const name = words[1];
    let chain = chains.get(name);
    if (!chain) {
      issues.push({ file, line: idx + 1, message: `undeclared chain ${name}` });
      chain = { name, policy: 'ACCEPT', builtin: BUILTIN.has(name), rules: [] };
      chains.set(name, chain);
    }
    const cut = words.indexOf('-c');
    const body = cut >= 0 ? words.slice(2, cut) : words.slice(2);
    const spec = body.join(' ');
    chain.rules.push({
      chain: name,
      pos: chain.rules.length + 1,
      line: idx + 1,
      text: `-A ${name}${spec ? ` ${spec}` : ''}`,
      spec,
      ...parseRule(body),
    });
  });
  if (!sawFilter) return { table: null, issues: [...issues, { file, line: null, message: 'no *filter table' }] };
  return { table: { file, chains }, issues };
}
