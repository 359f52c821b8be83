import test from 'ava';
import { brokenIndex, guestsView } from '../../src/render/vm-guests.js';
import type { Guest } from '../../src/schema/report.js';

const guest = (fw: Partial<Guest['firewall']>): Guest => ({
  vmid: 101,
  type: 'lxc',
  name: 'nginx',
  ips: ['10.0.0.11'],
  firewall: { cluster: true, guestEnable: true, nics: { net0: true, net1: true }, effective: true, ...fw },
});

const chainOf = (g: Guest) => [
  { label: 'Datacenter', detail: '', on: g.firewall.cluster },
  { label: 'Guest', detail: '', on: g.firewall.guestEnable },
  ...Object.entries(g.firewall.nics).map(([n, on]) => ({ label: `NIC ${n}`, detail: '', on })),
];

test('the named broken link wins, in any of the spellings the analysis may use', (t) => {
  for (const [name, i] of [
    ['cluster', 0],
    ['guest', 1],
    ['net1', 3],
    ['nic:net1', 3],
  ] as const) {
    const g = guest({ brokenLink: name, effective: false });
    t.is(brokenIndex(g, chainOf(g)), i, name);
  }
});

test('without a name, the first switch that is off is the broken one', (t) => {
  const g = guest({ nics: { net0: true, net1: false }, effective: false });
  t.is(brokenIndex(g, chainOf(g)), 3);
  t.is(brokenIndex(guest({}), chainOf(guest({}))), null);
});

test('the guest view says where the chain broke and draws it', (t) => {
  const [v] = guestsView([guest({ guestEnable: false, fwFile: false, effective: false })]);
  t.is(v?.brokenAt, 'Guest');
  t.is(v?.guest, 'no .fw file');
  t.true(v?.chainSvg.includes('no 101.fw (off)'));
});
