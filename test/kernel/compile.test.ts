import { readFileSync } from 'node:fs';
import test from 'ava';
import { compileMatches } from '../../src/kernel/compile.js';
import { loadKernel } from '../../src/kernel/index.js';
import { matchesOf } from '../../src/kernel/rule.js';
import type { Hop, KPacket, KRule, KTable, Tri, WalkState } from '../../src/kernel/types.js';
import { type HopResult, walkHop } from '../../src/kernel/walk.js';

// The walk compares most conditions inline (compile.ts) instead of calling the matches. This
// checks that shortcut against the obvious walk that calls every match, on many random packets.

const fixture = (name: string) => readFileSync(new URL(`../fixtures/kernel/${name}`, import.meta.url), 'utf8');

// Rules that stress the shortcut: negations, a second condition of the same kind, source ports,
// a protocol that contradicts its port module, an unmodelled ctstate word, prefix bridge ports.
const EXTRA = [
  ':PVEFW-odd - [0:0]',
  '-A PVEFW-odd ! -s 10.0.0.12/32 -p tcp -m tcp --dport 22 -j RETURN',
  '-A PVEFW-odd -s 10.0.0.0/24 -s 10.0.0.12/32 -p udp -m udp --sport 1000:2000 --dport 53 -j DROP',
  '-A PVEFW-odd -p udp -m tcp --dport 80 -j DROP',
  '-A PVEFW-odd -d 0.0.0.0/0 -p tcp -m tcp ! --dport 1:1023 -m conntrack --ctstate NEW,SNAT -j ACCEPT',
  '-A PVEFW-odd -m physdev ! --physdev-is-bridged -m conntrack ! --ctstate NEW -j REJECT',
  '-A PVEFW-odd -m physdev --physdev-in fwln+ --physdev-out veth102i0 -p icmp -j DROP',
  '-A PVEFW-odd -p tcp -m multiport --dports 80,443 -m conntrack --ctstate NEW -m conntrack --ctstate INVALID -j DROP',
  '-A PVEFW-odd -d 10.0.0.101/32 -p tcp -m tcp --sport 49152 --dport 8000:9000 -j ACCEPT',
];

function table(): KTable {
  const text = fixture('healthy.iptables-save')
    .replace(':PVEFW-Drop - [0:0]', `${EXTRA[0]}\n:PVEFW-Drop - [0:0]`)
    .replace('[0:0] -A FORWARD -j PVEFW-FORWARD', `-A FORWARD -j PVEFW-odd\n[0:0] -A FORWARD -j PVEFW-FORWARD`)
    .replace('[0:0] -A INPUT -j PVEFW-INPUT', `-A INPUT -j PVEFW-odd\n[0:0] -A INPUT -j PVEFW-INPUT`)
    .replace('COMMIT', `${EXTRA.slice(1).join('\n')}\nCOMMIT`);
  const k = loadKernel({ iptables: { file: 'x', text }, iptablesAfter: null, ip6tables: null, ipset: null });
  if (!k.v4 || k.issues.length > 0) throw new Error(`fixture: ${JSON.stringify(k.issues)}`);
  return k.v4;
}

let seed = 12345;
const rnd = (n: number) => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
const ip4 = (s: string) => s.split('.').reduce((n, o) => n * 256 + Number(o), 0);

const ADDRS = ['10.0.0.12', '10.0.0.13', '10.0.0.101', '10.0.0.1', '10.0.0.200', '198.18.0.1', '224.0.0.5'].map(ip4);
const PORTS = [22, 53, 67, 68, 80, 443, 1900, 3128, 5405, 8006, 8500, 9000, 9443, 137, 445, 1500, 49152, 60000];
const DEVS = ['veth102i0', 'veth103i0', 'tap1001i0', 'fwln102i0', 'fwpr102p0', 'fwln1001i0', 'eth0', null];
const STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'] as const;

function randomState(): WalkState {
  const proto = pick([6, 17, 1, 6, 17]);
  const ports = proto !== 1;
  const p: KPacket = {
    v: 4,
    src4: pick(ADDRS),
    dst4: pick(ADDRS),
    src6: 0n,
    dst6: 0n,
    proto,
    sport: ports ? pick(PORTS) : null,
    dport: ports ? pick(PORTS) : null,
    tcpFlags: proto === 6 ? pick([2, 2, 16, 18, 4]) : 0,
    icmpType: proto === 1 ? pick([8, 0, 3, 11]) : null,
    icmpCode: proto === 1 ? 0 : null,
    ctstate: pick(STATES),
    srcMac: pick(['BC:24:11:3F:10:12', 'BC:24:11:5E:7A:01', 'BC:24:11:00:00:01']),
    srcType: pick(['UNICAST', 'LOCAL', 'BROADCAST']),
    dstType: pick(['UNICAST', 'LOCAL', 'MULTICAST']),
  };
  const hop: Hop = {
    hook: pick(['INPUT', 'FORWARD', 'OUTPUT'] as const),
    where: 'random',
    inIface: pick(['vmbr0', 'fwbr102i0', 'lo', null]),
    outIface: pick(['vmbr0', 'fwbr1001i0', null]),
    physIn: pick(DEVS),
    physOut: pick(DEVS),
    bridged: rnd(3) !== 0,
  };
  return { p, hop, mark: pick([0, 0x80000000]), connmark: 0 };
}

// The walk without shortcuts: every match of every rule is called, no index, no packing.
function slowHop(t: KTable, s: WalkState): { action: string; rule: KRule | null; matched: KRule[] } {
  const matched: KRule[] = [];
  const hook = t.chains.get(s.hop.hook);
  if (!hook) return { action: 'ACCEPT', rule: null, matched };
  const stack: Array<[KRule[], number]> = [];
  let rules = hook.rules;
  let i = 0;
  for (let steps = 0; steps < 10_000; steps++) {
    const r = rules[i++];
    if (!r) {
      const back = stack.pop();
      if (!back) return { action: hook.policy ?? 'ACCEPT', rule: null, matched };
      [rules, i] = back;
      continue;
    }
    let hit: Tri = true;
    for (const m of r.matches) {
      const x = m.test(s);
      if (x === false) {
        hit = false;
        break;
      }
      if (x === 'unknown') hit = 'unknown';
    }
    if (hit === false) continue;
    if (hit === 'unknown') return { action: 'unknown', rule: null, matched };
    matched.push(r);
    const tg = r.target;
    if (tg.kind === 'verdict') return { action: tg.action, rule: r, matched };
    if (tg.kind === 'return') {
      const back = stack.pop();
      if (!back) return { action: hook.policy ?? 'ACCEPT', rule: null, matched };
      [rules, i] = back;
    } else if (tg.kind === 'jump') {
      if (!tg.goto) stack.push([rules, i]);
      rules = t.chains.get(tg.chain)?.rules ?? [];
      i = 0;
    } else if (tg.kind === 'mark') {
      if (tg.op === 'xmark' && !tg.conn) s.mark = ((s.mark & ~tg.mask) ^ tg.xor) >>> 0;
      else if (tg.op === 'xmark') s.connmark = ((s.connmark & ~tg.mask) ^ tg.xor) >>> 0;
      else if (tg.op === 'restore') s.mark = s.connmark;
      else s.connmark = s.mark;
    } else if (tg.kind === 'unknown') return { action: 'unknown', rule: null, matched };
  }
  throw new Error('loop');
}

test('the compiled walk decides like the walk that calls every match (4,000 random packets)', (t) => {
  const tb = table();
  let decided = 0;
  for (let n = 0; n < 4000; n++) {
    const s = randomState();
    const fast: HopResult = walkHop(tb, { ...s });
    const slow = slowHop(tb, { ...s });
    const same =
      fast.action === slow.action &&
      (fast.action === 'unknown' || fast.rule === slow.rule) &&
      fast.matched.length === slow.matched.length &&
      fast.matched.every((r, i) => r === slow.matched[i]);
    if (!same) {
      t.fail(
        `packet ${JSON.stringify(s, (_, v) => (typeof v === 'bigint' ? String(v) : v))}: compiled ${fast.action} ${fast.rule?.text}, obvious ${slow.action} ${slow.rule?.text}`,
      );
      return;
    }
    if (fast.rule) decided++;
  }
  // the random packets reach real decisions, not only policies
  t.true(decided > 1000, `only ${decided} decided by a rule`);
});

test('a second condition of the same kind stays a called match; negations are never inlined', (t) => {
  const { pre, rest } = compileMatches(matchesOf('-s 10.0.0.0/24 -s 10.0.0.12/32 ! -d 10.0.0.1/32 -p tcp'));
  t.is(pre.src4Mask, 0xffffff00);
  t.is(pre.proto, 6);
  t.deepEqual(
    rest.map((m) => m.text),
    ['-s 10.0.0.12/32', '! -d 10.0.0.1/32'],
  );
  const st = compileMatches(matchesOf('-m conntrack --ctstate NEW,SNAT -m conntrack --ctstate NEW,ESTABLISHED'));
  t.is(st.pre.states, 3, 'the second, fully modelled state list goes inline; SNAT keeps the first a closure');
  t.is(st.rest.length, 1);
});
