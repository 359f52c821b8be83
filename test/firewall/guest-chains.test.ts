import test from 'ava';
import { guestFirewallState } from '../../src/firewall/guest-state.js';
import { simulate } from '../../src/firewall/simulate.js';
import { fixture, modelFrom, modelOf } from './helpers.js';

const v6guest = (opts: string) =>
  modelFrom({
    'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
    'firewall/100.fw': `[OPTIONS]\nenable: 1\n${opts}`,
    'nodes/pve/qemu-server/100.conf': 'net0: virtio=0E:0B:38:B8:B3:21,bridge=vmbr0,firewall=1\n',
  });

test('radv: router advertisements from a guest are dropped unless radv: 1', (t) => {
  const ra = { from: 'vm100', to: 'outside', proto: 'icmpv6' as const, dport: 'router-advertisement' };
  const flow = { ...ra, source: 'fd00::5', dest: 'ff02::1' };
  t.is(simulate(v6guest(''), flow).action, 'DROP');
  t.is(simulate(v6guest('radv: 1\n'), flow).action, 'ACCEPT');
});

test('ipfilter holds the MAC-derived link-local address implicitly (IPv6)', (t) => {
  const m = v6guest('ipfilter: 1\n');
  const out = (source: string) =>
    simulate(m, { from: 'vm100', to: 'outside', proto: 'icmpv6', dport: 'echo-request', source, dest: 'fd00::1' });
  // 0E:0B:38:B8:B3:21 -> fe80::c0b:38ff:feb8:b321 (U/L bit flipped, ff:fe inserted)
  t.is(out('fe80::c0b:38ff:feb8:b321').action, 'ACCEPT');
  t.is(out('fe80::c0b:38ff:feb8:b322').action, 'DROP');
  t.regex(out('fd00::7').decidedBy.text, /not in ipfilter-net0/);
});

test('a guest on another node has no chains here and no zone', (t) => {
  const m = modelOf('review-guest');
  t.is(guestFirewallState(m, 300).brokenLink, 'not-on-node');
  t.false(guestFirewallState(m, 300).effective);
  t.throws(() => simulate(m, { from: 'outside', to: 'ct300', proto: 'tcp', dport: 22 }), { message: /no guest 300/ });
});

test('the pending section does not turn on the NIC firewall flag', (t) => {
  const s = guestFirewallState(modelOf('review-guest'), 200);
  t.deepEqual(s.nics, { net0: false });
  t.is(s.brokenLink, 'nic-firewall-off');
  const r = simulate(modelOf('review-guest'), { from: 'outside', to: 'ct200', proto: 'tcp', dport: 22 });
  t.true(r.trace.some((l) => /simulate ignores firewall= and passes every guest zone through PVEFW-FWBR-IN/.test(l)));
});

test('a .fw without enable, or an empty one, gives no chain', (t) => {
  const m = modelOf('review-guest');
  t.is(guestFirewallState(m, 201).brokenLink, 'guest-disabled');
  t.is(guestFirewallState(m, 203).brokenLink, 'no-fw-file');
  t.true(fixture('review-guest').endsWith('review-guest'));
});

test('udp reaching the DHCP rule is noted: pve-firewall simulate cannot evaluate --sport', (t) => {
  const m = modelOf('review-guest');
  const r = simulate(m, { from: 'outside', to: 'vm103', proto: 'udp', sport: 1000, dport: 53 });
  t.is(r.action, 'DROP');
  t.true(r.trace.some((l) => /would abort at the DHCP rule of tap103i0-IN/.test(l)));
  const off = simulate(modelOf('harness', { localNetwork: '172.16.1.0/24' }), {
    from: 'outside',
    to: 'vm100',
    proto: 'udp',
    sport: 1000,
    dport: 53,
  });
  t.false(off.trace.some((l) => /DHCP rule/.test(l)));
});
