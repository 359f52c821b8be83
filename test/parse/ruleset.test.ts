import { readFileSync } from 'node:fs';
import test from 'ava';
import { parseIptablesSave, parseNftRuleset } from '../../src/parse/ruleset.js';

const sample = readFileSync(new URL('../../samples/seed/evidence/commands/iptables-save.out', import.meta.url), 'utf8');

test('iptables-save: the filter table chains and the guest devices reached from the firewall bridges', (t) => {
  const r = parseIptablesSave(sample, 'commands/iptables-save.out');
  t.is(r.backend, 'iptables');
  t.true(r.chains.includes('PVEFW-FWBR-IN'));
  t.true(r.chains.includes('tap1001i0-IN'));
  t.deepEqual(r.guestDevices, ['tap1001i0', 'veth102i0', 'veth103i0']);
});

test('iptables-save: chains of other tables and jumps to other chains are not guest chains', (t) => {
  const text = [
    '*raw',
    ':PVEFW-PREROUTING - [0:0]',
    'COMMIT',
    '*filter',
    ':PVEFW-FWBR-IN - [0:0]',
    '-A PVEFW-FWBR-IN -m physdev --physdev-out tap200i0 --physdev-is-bridged -j PVEFW-smurfs',
    '-A PVEFW-FWBR-OUT -m physdev --physdev-in veth300i1 --physdev-is-bridged -j veth300i1-OUT',
    'COMMIT',
  ].join('\n');
  const r = parseIptablesSave(text, 'x');
  t.deepEqual(r.chains, ['PVEFW-FWBR-IN']);
  t.deepEqual(r.guestDevices, ['veth300i1']);
});

test('an empty ruleset (firewall stopped or cluster disabled) has no chains and no guests', (t) => {
  t.deepEqual(parseIptablesSave('', 'x'), { backend: 'iptables', file: 'x', chains: [], guestDevices: [] });
});

test('nft list ruleset: guest chains and the devices mapped to them', (t) => {
  const text = `table bridge proxmox-firewall-guests {
	map vm-map-in {
		typeof oifname : verdict
		elements = { "tap1001i0" : goto guest-1001-in,
			     "veth102i0" : goto guest-102-in }
	}
	chain guest-1001-in {
	}
	chain guest-102-in {
	}
}`;
  const r = parseNftRuleset(text, 'commands/nft-list-ruleset.out');
  t.is(r.backend, 'nftables');
  t.deepEqual(r.chains, ['guest-1001-in', 'guest-102-in']);
  t.deepEqual(r.guestDevices, ['tap1001i0', 'veth102i0']);
});

test('iptables-save -c: counters before each rule do not hide the guest jumps', (t) => {
  const counted = sample.replace(/^-A /gm, '[12:720] -A ');
  const r = parseIptablesSave(counted, 'commands/iptables-save.out');
  t.deepEqual(r.guestDevices, parseIptablesSave(sample, 'commands/iptables-save.out').guestDevices);
  t.true(r.guestDevices.length > 0);
});
