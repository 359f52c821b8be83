import { readFileSync } from 'node:fs';
import test from 'ava';
import { parseEbtablesSave } from '../../src/kernel/ebtables.js';
import { walkL2Flow } from '../../src/kernel/ebtables-walk.js';
import { ct102, host, vm1001 } from './endpoints.js';

// Fixtures: test/fixtures/kernel/ebtables/build.sh loads pve-firewall's ebtables ruleset for the seed
// node with the real ebtables and dumps ebtables-save.
const table = (name: string) => {
  const r = parseEbtablesSave(
    readFileSync(new URL(`../fixtures/kernel/${name}.ebtables-save`, import.meta.url), 'utf8'),
    `commands/ebtables-save.out`,
  );
  if (!r.table) throw new Error(JSON.stringify(r.issues));
  return r.table;
};

const flow = { from: ct102, to: vm1001, proto: 'tcp' as const, dport: 443 };

test('parse: chains with policies, rules with positions, MACs canonical (zeros restored)', (t) => {
  const r = parseEbtablesSave(
    readFileSync(new URL('../fixtures/kernel/pve.ebtables-save', import.meta.url), 'utf8'),
    'f',
  );
  t.deepEqual(r.issues, []);
  const out = r.table?.chains.get('tap1001i0-OUT');
  t.is(out?.policy, 'ACCEPT');
  t.is(out?.rules[0]?.text, '-A tap1001i0-OUT -s ! bc:24:11:5e:7a:01 -j DROP');
  t.deepEqual(out?.rules[0]?.matches, [{ k: 'src', neg: true, mac: 'bc:24:11:5e:7a:01', mask: null }]);
  t.is(r.table?.chains.get('PVEFW-FORWARD')?.rules.length, 3);
});

test('parse: legacy ebtables prints MACs without leading zeros; -c counters and --log watchers are skipped', (t) => {
  const text =
    '*filter\n:FORWARD ACCEPT\n:X ACCEPT\n-A FORWARD -s ! bc:24:11:5e:7a:1 --log-level info --log-prefix x -j DROP -c 5 300\n-A FORWARD -p ARP --arp-op Request --arp-ip-src 10.0.0.0/255.255.255.0 -j X\n';
  const r = parseEbtablesSave(text, 'f');
  const rules = r.table?.chains.get('FORWARD')?.rules ?? [];
  t.deepEqual(rules[0]?.matches, [{ k: 'src', neg: true, mac: 'bc:24:11:5e:7a:01', mask: null }]);
  t.is(rules[0]?.unknown, null);
  t.is(rules[0]?.target, 'DROP');
  t.deepEqual(rules[1]?.matches[2], { k: 'arp-ip-src', neg: false, net: 0x0a000000, bits: 24 });
});

test('parse: bad lines are issues naming the line; no filter table is an issue', (t) => {
  const r = parseEbtablesSave('*filter\n:FORWARD ACCEPT\nbogus line\n-A NOPE -j DROP\n', 'f');
  t.deepEqual(
    r.issues.map((i) => i.line),
    [3, 4],
  );
  t.is(parseEbtablesSave('*nat\n:PREROUTING ACCEPT\n', 'f').table, null);
});

test('pve: every frame of traefik -> portainer passes layer 2 (IPv4 accepted at once, ARP from the right MACs)', (t) => {
  const w = walkL2Flow(table('pve'), flow);
  t.is(w.action, 'ACCEPT');
  t.deepEqual([...new Set(w.results.map((r) => r.frame))], ['arp-request', 'arp-reply', 'ip']);
});

test("arpfilter: VM 1001's ARP reply is dropped in tap1001i0-OUT-ARP (10.0.0.101 is not in its ipfilter set)", (t) => {
  const w = walkL2Flow(table('arpfilter'), flow);
  t.is(w.action, 'DROP');
  t.is(w.decided?.frame, 'arp-reply');
  t.is(w.decided?.chain, 'tap1001i0-OUT-ARP');
  t.is(w.decided?.rule?.pos, 2);
  t.is(w.decided?.hop.where, 'fwbr1001i0');
});

test("stalemac: CT 102's ARP request is dropped by the old MAC filter in veth102i0-OUT", (t) => {
  const w = walkL2Flow(table('stalemac'), flow);
  t.is(w.action, 'DROP');
  t.is(w.decided?.frame, 'arp-request');
  t.is(w.decided?.rule?.text, '-A veth102i0-OUT -s ! bc:24:11:3f:10:99 -j DROP');
});

test('a guest whose MAC differs from its config (macfilter on) has its ARP dropped at its own fwbr', (t) => {
  const w = walkL2Flow(table('pve'), { ...flow, from: { ...ct102, mac: 'BC:24:11:00:00:02' } });
  t.is(w.action, 'DROP');
  t.is(w.decided?.frame, 'arp-request');
  t.is(w.decided?.chain, 'veth102i0-OUT');
  t.is(w.decided?.rule?.pos, 1);
});

test("hand: an admin's ARP drop in PVEFW-FORWARD decides; the host is not filtered at FORWARD", (t) => {
  const w = walkL2Flow(table('hand'), flow);
  t.is(w.action, 'DROP');
  t.is(w.decided?.rule?.text, '-A PVEFW-FORWARD -p ARP --arp-ip-dst 10.0.0.101 -j DROP');
  t.is(w.decided?.hop.where, 'fwbr102i0');
  t.is(walkL2Flow(table('hand'), { ...flow, to: host, dport: 8006 }).action, 'ACCEPT');
});

test('unknown: a match the walk does not model makes layer 2 unknown, naming the rule', (t) => {
  const w = walkL2Flow(table('unknown'), flow);
  t.is(w.action, 'unknown');
  t.is(w.decided?.unknownRule?.text, '-A PVEFW-FORWARD -p ARP --arp-gratuitous -j DROP');
});

test('an unknown source MAC makes the MAC filter undecidable, not a pass', (t) => {
  const w = walkL2Flow(table('pve'), { ...flow, from: { ...ct102, mac: null } });
  t.is(w.action, 'unknown');
  t.is(w.decided?.unknownRule?.chain, 'veth102i0-OUT');
});
