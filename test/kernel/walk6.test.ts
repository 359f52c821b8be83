import { readFileSync } from 'node:fs';
import test from 'ava';
import { type LiveEndpoint, loadKernel, tableFor, walkFlow } from '../../src/kernel/index.js';

// IPv6 flows walk ip6tables-save's table. The fixture is real `ip6tables-save -c` output (loaded
// with ip6tables-restore in a scratch namespace) of the ruleset pve-firewall writes for IPv6: NDP
// and DHCPv6 rules in the guest chains, ICMPv6 errors accepted in PVEFW-Drop, no BROADCAST
// (ip6tables' addrtype has none), multicast dropped by PVEFW-DropBroadcast.

const text = (name: string) => readFileSync(new URL(`../fixtures/kernel/${name}`, import.meta.url), 'utf8');
const kernel = loadKernel({
  iptables: { file: 'commands/iptables-save', text: text('healthy.iptables-save') },
  iptablesAfter: null,
  ip6tables: { file: 'commands/ip6tables-save', text: text('v6.ip6tables-save') },
  ipset: null,
});
const v6 = kernel.v6;
if (!v6) throw new Error('no v6 table');

const ct102: LiveEndpoint = {
  kind: 'guest',
  ip: 'fd00::12',
  bridge: 'vmbr0',
  dev: 'veth102i0',
  firewall: true,
  mac: 'BC:24:11:3F:10:12',
};
const vm1001: LiveEndpoint = {
  kind: 'guest',
  ip: 'fd00::101',
  bridge: 'vmbr0',
  dev: 'tap1001i0',
  firewall: true,
  mac: 'BC:24:11:5E:7A:01',
};
const host: LiveEndpoint = { kind: 'host', ip: 'fd00::1', bridge: null, dev: null, firewall: false, mac: null };

const at = (w: ReturnType<typeof walkFlow>) =>
  w ? [w.action, w.decided.rule?.chain ?? `policy ${w.decided.chain}`, w.decided.rule?.pos ?? null] : null;

test('the ip6tables fixture parses without issues', (t) => {
  t.deepEqual(kernel.issues, []);
  t.is(v6.family, 6);
});

test('a flow picks its table by address family; mixed families walk nothing', (t) => {
  t.is(tableFor(kernel, 'fd00::12', 'fd00::101'), v6);
  t.is(tableFor(kernel, '10.0.0.12', '10.0.0.101'), kernel.v4);
  t.is(tableFor(kernel, '10.0.0.12', 'fd00::101'), null);
  // a v6 flow on the v4 table (or the reverse) is not walked at all
  t.is(
    walkFlow(kernel.v4 as NonNullable<typeof kernel.v4>, { from: ct102, to: vm1001, proto: 'tcp', dport: 443 }),
    null,
  );
});

test('tcp 443 from fd00::12 is accepted by its rule in tap1001i0-IN; tcp 22 dies at the chain end', (t) => {
  const ok = walkFlow(v6, { from: ct102, to: vm1001, proto: 'tcp', dport: 443 });
  t.deepEqual(at(ok), ['ACCEPT', 'tap1001i0-IN', 7]);
  t.is(ok?.family, 6);
  t.is(ok?.decided.rule?.text, '-A tap1001i0-IN -s fd00::12/128 -p tcp -m tcp --dport 443 -j ACCEPT');
  t.deepEqual(at(walkFlow(v6, { from: ct102, to: vm1001, proto: 'tcp', dport: 22 })), ['DROP', 'tap1001i0-IN', 10]);
  // the same port from another address is not the accept rule's
  const other = { ...ct102, ip: 'fd00::99' };
  t.deepEqual(at(walkFlow(v6, { from: other, to: vm1001, proto: 'tcp', dport: 443 })), ['DROP', 'tap1001i0-IN', 10]);
});

test('ct102 rejects what it does not accept: PVEFW-reject answers tcp with a reset', (t) => {
  const w = walkFlow(v6, { from: vm1001, to: ct102, proto: 'tcp', dport: 22 });
  t.deepEqual(at(w), ['REJECT', 'PVEFW-reject', 2]);
  t.is(w?.decided.rule?.text, '-A PVEFW-reject -p tcp -j REJECT --reject-with tcp-reset');
  t.deepEqual(at(walkFlow(v6, { from: vm1001, to: ct102, proto: 'tcp', dport: 80 })), ['ACCEPT', 'veth102i0-IN', 7]);
});

test('ICMPv6 echo: proto 58, type 128 by default; accepted by the guest rule, the host only for fd00::12', (t) => {
  t.deepEqual(at(walkFlow(v6, { from: ct102, to: vm1001, proto: 'icmp', dport: null })), ['ACCEPT', 'tap1001i0-IN', 8]);
  // RETURN from PVEFW-HOST-IN: INPUT's policy accepts
  t.deepEqual(at(walkFlow(v6, { from: ct102, to: host, proto: 'icmp', dport: null })), [
    'ACCEPT',
    'policy INPUT',
    null,
  ]);
  t.deepEqual(at(walkFlow(v6, { from: vm1001, to: host, proto: 'icmp', dport: null })), ['DROP', 'PVEFW-HOST-IN', 14]);
});

test('neighbour discovery is UNTRACKED: accepted by the NDP rules before the multicast drop', (t) => {
  // a neighbour solicitation to vm1001's solicited-node multicast address
  const ns = walkFlow(v6, { from: ct102, to: { ...vm1001, ip: 'ff02::1:ff00:101' }, proto: 'icmp', dport: 135 });
  t.deepEqual(at(ns), ['ACCEPT', 'tap1001i0-IN', 5]);
  // it left ct102 through the OUT chain's NDP RETURN, not the accept mark
  t.true(ns?.matched.some((r) => r.chain === 'veth102i0-OUT' && r.pos === 6));
  t.false(ns?.matched.some((r) => r.chain === 'PVEFW-SET-ACCEPT-MARK'));
  // conntrack never sees it, so the NEW-only smurf and tcpflags checks do not either
  t.deepEqual(at(walkFlow(v6, { from: ct102, to: host, proto: 'icmp', dport: 135 })), ['ACCEPT', 'PVEFW-HOST-IN', 6]);
  // an echo request to the same multicast address is NEW and dropped as multicast
  const echo = walkFlow(v6, { from: ct102, to: { ...vm1001, ip: 'ff02::1:ff00:101' }, proto: 'icmp', dport: 128 });
  t.is(echo?.action, 'ACCEPT', 'the guest accepts echo requests before PVEFW-Drop');
  const udp = walkFlow(v6, { from: ct102, to: { ...vm1001, ip: 'ff02::1' }, proto: 'udp', dport: 5353 });
  t.deepEqual(at(udp), ['DROP', 'PVEFW-DropBroadcast', 1]);
});

test('a guest sending router advertisements is dropped in its own OUT chain', (t) => {
  const ra = walkFlow(v6, { from: vm1001, to: { ...ct102, ip: 'ff02::1' }, proto: 'icmp', dport: 134 });
  t.deepEqual(at(ra), ['DROP', 'tap1001i0-OUT', 4]);
  t.is(ra?.decided.hop.where, 'fwbr1001i0');
});

test('an ICMPv6 error without its connection is INVALID and dropped in PVEFW-FORWARD', (t) => {
  const w = walkFlow(v6, { from: ct102, to: vm1001, proto: 'icmp', dport: 1 });
  t.deepEqual(at(w), ['DROP', 'PVEFW-FORWARD', 1]);
});
