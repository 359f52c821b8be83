import { readFileSync } from 'node:fs';
import test from 'ava';
import { counterRise } from '../../src/kernel/counters.js';
import { loadKernel, walkFlow } from '../../src/kernel/index.js';
import { parseIptablesCounters, parseIptablesSave } from '../../src/kernel/iptables-save.js';
import { ct102, vm1001 } from './endpoints.js';

const text = readFileSync(new URL('../fixtures/kernel/seed.iptables-save', import.meta.url), 'utf8');
const table = (t: string) => {
  const k = loadKernel({ iptables: { file: 'x', text: t }, iptablesAfter: null, ip6tables: null, ipset: null });
  if (!k.v4) throw new Error('no table');
  return k.v4;
};
const before = table(text);
const walk = walkFlow(before, { from: ct102, to: vm1001, proto: 'tcp', dport: 443 });
// 3 SYNs, each crossing three bridges: FORWARD counts 9, the dropping rule 3.
const bump = (extraOnDrop: number) =>
  table(
    text
      .replace('[0:0] -A FORWARD -j PVEFW-FORWARD', '[9:540] -A FORWARD -j PVEFW-FORWARD')
      .replace('[0:0] -A tap1001i0-IN -j DROP', `[${3 + extraOnDrop}:180] -A tap1001i0-IN -j DROP`),
  );

test("a quiet node: every rise is the probe's own, measured", (t) => {
  const r = counterRise(bump(0), walk?.matched ?? [], 3);
  t.is(r.attribution, 'exact');
  t.deepEqual(
    r.rules.map((x) => [x.chain, x.rule, x.packets, x.expected]),
    [
      ['FORWARD', 1, 9, 9],
      ['tap1001i0-IN', 4, 3, 3],
    ],
  );
});

test('other traffic on the dropping rule makes the attribution ambiguous, and says so', (t) => {
  const r = counterRise(bump(5), walk?.matched ?? [], 3);
  t.is(r.attribution, 'ambiguous');
  t.regex(r.note, /other traffic shares them/);
});

test('a ruleset that changed between the reads attributes nothing', (t) => {
  const after = table(text.replace(/^\[0:0\] -A tap1001i0-IN -j DROP$/m, '[3:180] -A tap1001i0-IN -j REJECT'));
  const r = counterRise(
    after,
    (walk?.matched ?? []).filter((x) => x.chain === 'tap1001i0-IN' && x.pos === 4),
    3,
  );
  t.is(r.attribution, 'unavailable');
});

// The read after the probes is parsed only for its counters (parseIptablesCounters): the same rules,
// texts, counts and issues as the full parse gives, and the same rise.
const project = (t: { chains: ReadonlyMap<string, { rules: readonly { text: string; packets: number | null }[] }> }) =>
  [...t.chains].map(([name, c]) => [name, c.rules.map((r) => [r.text, r.packets])]);

test('the counters-only parse reads the same rules, counts and issues as the full parse', (t) => {
  const damaged = `*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\nCOMMIT\n${text
    .replace('[0:0] -A FORWARD -j PVEFW-FORWARD', '[9:540] -A FORWARD -j PVEFW-FORWARD\nnot a rule at all')
    .replace(
      'COMMIT',
      '[2:120] -A UNDECLARED -p tcp -j ACCEPT\n-A PVEFW-FORWARD -m comment --comment "a b" -j ACCEPT\nCOMMIT',
    )}`;
  const texts = ['seed.iptables-save', 'healthy.iptables-save'].map((f) =>
    readFileSync(new URL(`../fixtures/kernel/${f}`, import.meta.url), 'utf8'),
  );
  for (const sample of [...texts, damaged, '', '*nat\nCOMMIT\n']) {
    const full = parseIptablesSave(sample, 'f', 4, null);
    const light = parseIptablesCounters(sample, 'f');
    t.deepEqual(light.issues, full.issues);
    t.is(light.table === null, full.table === null);
    if (full.table && light.table) t.deepEqual(project(light.table), project(full.table));
  }
  t.true(parseIptablesCounters(damaged, 'f').issues.length >= 2, 'the junk line and the undeclared chain');
});

test('the rise over the counters-only read of the after text equals the rise over its full parse', (t) => {
  const after = text
    .replace('[0:0] -A FORWARD -j PVEFW-FORWARD', '[9:540] -A FORWARD -j PVEFW-FORWARD')
    .replace('[0:0] -A tap1001i0-IN -j DROP', '[5:180] -A tap1001i0-IN -j DROP');
  const k = loadKernel({
    iptables: { file: 'x', text },
    iptablesAfter: { file: 'y', text: after },
    ip6tables: null,
    ipset: null,
  });
  const w = k.v4 ? walkFlow(k.v4, { from: ct102, to: vm1001, proto: 'tcp', dport: 443 }) : null;
  t.truthy(k.v4After);
  if (!k.v4After || !w) return;
  const light = counterRise(k.v4After, w.matched, 3);
  t.deepEqual(light, counterRise(table(after), w.matched, 3));
  t.is(light.attribution, 'ambiguous', 'the drop rule rose by 5 for 3 SYNs');
  t.true(light.rules.length > 0);
});
