import { readFileSync } from 'node:fs';
import test from 'ava';
import { counterRise } from '../../src/kernel/counters.js';
import { loadKernel, walkFlow } from '../../src/kernel/index.js';
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
