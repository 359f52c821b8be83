import { readFileSync } from 'node:fs';
import test from 'ava';
import { parseEbtablesSave } from '../../src/kernel/ebtables.js';
import { ebtablesDrift, expectedEbtables } from '../../src/kernel/ebtables-drift.js';
import { seedFiles } from '../analyse/seed-facts.js';
import { factsFrom } from '../checks/helpers.js';

const table = (name: string) => {
  const t = parseEbtablesSave(
    readFileSync(new URL(`../fixtures/kernel/${name}.ebtables-save`, import.meta.url), 'utf8'),
    'f',
  ).table;
  if (!t) throw new Error('no table');
  return t;
};
// the lab's seed, whose CT 103 also has its firewall on (the fixtures were loaded for it)
const labSeed = () => ({ ...seedFiles(), 'firewall/103.fw': '[OPTIONS]\nenable: 1\npolicy_in: DROP\n' });
const seed = () => factsFrom(labSeed()).pve;
const IPFILTER_1001 =
  '[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[IPSET ipfilter-net0]\n10.0.0.99\n\n[RULES]\nIN SSH(ACCEPT) -source 10.0.0.0/24\n';
const drift = (name: string, cfg = seed()) =>
  ebtablesDrift(table(name), cfg).map((d) => [d.chain, d.kind, d.code, d.rule]);

test('expected: per firewall=1 NIC of an enabled guest, the MAC filter then ACCEPT; FWBR-OUT jumps by input port', (t) => {
  const e = expectedEbtables(seed());
  t.deepEqual(e.get('tap1001i0-OUT')?.rules, ['-s ! bc:24:11:5e:7a:01 -j DROP', '-j ACCEPT']);
  t.deepEqual(e.get('PVEFW-FWBR-OUT')?.rules, [
    '-i tap1001i0 -j tap1001i0-OUT',
    '-i veth102i0 -j veth102i0-OUT',
    '-i veth103i0 -j veth103i0-OUT',
  ]);
});

test('pve: what pve-firewall loaded for the seed is exactly what its configuration compiles to', (t) => {
  t.deepEqual(drift('pve'), []);
});

test('hand: the ARP drop inserted into PVEFW-FORWARD is hand-added (every expected rule is still there)', (t) => {
  t.deepEqual(drift('hand'), [['ebtables PVEFW-FORWARD', 'extra', 'hand-added', 1]]);
});

test('stalemac: the old MAC where the configured one belongs is a changed rule (not applied)', (t) => {
  const d = ebtablesDrift(table('stalemac'), seed());
  t.deepEqual(
    d.map((x) => [x.chain, x.code, x.expected]),
    [['ebtables veth102i0-OUT', 'live-rule-changed', '-s ! bc:24:11:3f:10:12 -j DROP']],
  );
});

test("arpfilter: matches a config with 1001's ipfilter set, and is drift (a stale ARP chain) against one without", (t) => {
  const files = { ...labSeed(), 'firewall/1001.fw': IPFILTER_1001 };
  t.deepEqual(drift('arpfilter', factsFrom(files).pve), []);
  t.deepEqual(drift('arpfilter'), [
    ['ebtables tap1001i0-OUT', 'extra', 'hand-added', 2],
    ['ebtables tap1001i0-OUT-ARP', 'extra', 'stale-chain', null],
  ]);
});

test("an ebtables table without any PVEFW chain is not pve-firewall's: nothing to compare, no drift", (t) => {
  const empty = parseEbtablesSave('*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n', 'f').table;
  t.truthy(empty);
  t.deepEqual(ebtablesDrift(empty!, seed()), []);
});
