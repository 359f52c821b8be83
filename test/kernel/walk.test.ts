import { readFileSync } from 'node:fs';
import test from 'ava';
import { loadKernel, walkFlow } from '../../src/kernel/index.js';
import { ct102, host, vm1001 } from './endpoints.js';

const fixture = (name: string) => ({
  file: `commands/${name}`,
  text: readFileSync(new URL(`../fixtures/kernel/${name}`, import.meta.url), 'utf8'),
});
const table = (name: string) => {
  const k = loadKernel({ iptables: fixture(name), iptablesAfter: null, ip6tables: null, ipset: null });
  if (!k.v4) throw new Error('no table');
  return k.v4;
};

test('seed: the SYN from CT 102 dies at tap1001i0-IN rule 4 (the policy DROP)', (t) => {
  const w = walkFlow(table('seed.iptables-save'), { from: ct102, to: vm1001, proto: 'tcp', dport: 443 });
  t.is(w?.action, 'DROP');
  t.is(w?.decided.chain, 'tap1001i0-IN');
  t.is(w?.decided.rule?.pos, 4);
  t.is(w?.decided.rule?.text, '-A tap1001i0-IN -j DROP');
  t.deepEqual(
    w?.hops.map((h) => [h.hop.where, h.action]),
    [
      ['fwbr102i0', 'ACCEPT'],
      ['vmbr0', 'ACCEPT'],
      ['fwbr1001i0', 'DROP'],
    ],
  );
  // the OUT chain set the accept mark, the IN chain its connmark
  t.true(w?.matched.some((r) => r.chain === 'PVEFW-SET-ACCEPT-MARK'));
});

test('healthy: accepted by the 443 rule in tap1001i0-IN', (t) => {
  const w = walkFlow(table('healthy.iptables-save'), { from: ct102, to: vm1001, proto: 'tcp', dport: 443 });
  t.is(w?.action, 'ACCEPT');
  t.is(w?.decided.rule?.text, '-A tap1001i0-IN -s 10.0.0.12/32 -p tcp -m tcp --dport 443 -j ACCEPT');
  t.is(w?.decided.rule?.pos, 3);
});

test('a spoofed MAC is dropped in the source OUT chain; an unknown MAC makes it unknown', (t) => {
  const tb = table('healthy.iptables-save');
  const spoof = walkFlow(tb, { from: { ...ct102, mac: 'BC:24:11:00:00:01' }, to: vm1001, proto: 'tcp', dport: 443 });
  t.is(spoof?.action, 'DROP');
  t.is(spoof?.decided.chain, 'veth102i0-OUT');
  const unknown = walkFlow(tb, { from: { ...ct102, mac: null }, to: vm1001, proto: 'tcp', dport: 443 });
  t.is(unknown?.action, 'unknown');
  t.regex(unknown?.decided.why ?? '', /mac-source/);
});

test('host: SSH from a guest is RETURNed from PVEFW-HOST-IN and INPUT accepts by policy; 8007 is dropped', (t) => {
  const tb = table('seed.iptables-save');
  const ssh = walkFlow(tb, { from: ct102, to: host, proto: 'tcp', dport: 22 });
  t.is(ssh?.action, 'ACCEPT');
  t.is(ssh?.decided.hop.hook, 'INPUT');
  const other = walkFlow(tb, { from: ct102, to: host, proto: 'tcp', dport: 8007 });
  t.is(other?.action, 'DROP');
  t.is(other?.decided.chain, 'PVEFW-HOST-IN');
});

test('an unknown match that would decide makes the verdict unknown and names the rule', (t) => {
  const text = fixture('healthy.iptables-save').text.replace(
    '[0:0] -A tap1001i0-IN -s 10.0.0.12/32',
    '[0:0] -A tap1001i0-IN -m hashlimit --hashlimit-upto 5/sec --hashlimit-name x -j DROP\n[0:0] -A tap1001i0-IN -s 10.0.0.12/32',
  );
  const k = loadKernel({ iptables: { file: 'x', text }, iptablesAfter: null, ip6tables: null, ipset: null });
  const w = walkFlow(k.v4!, { from: ct102, to: vm1001, proto: 'tcp', dport: 443 });
  t.is(w?.action, 'unknown');
  t.is(w?.decided.unknownRule?.pos, 3);
  t.regex(w?.decided.why ?? '', /hashlimit/);
});

test('an ICMP echo reply or error without its connection is INVALID: PVEFW-FORWARD drops it first', (t) => {
  const tb = table('healthy.iptables-save');
  for (const type of [0, 3, 11]) {
    const w = walkFlow(tb, { from: ct102, to: vm1001, proto: 'icmp', dport: type });
    t.is(w?.action, 'DROP');
    t.is(w?.decided.rule?.text, '-A PVEFW-FORWARD -m conntrack --ctstate INVALID -j DROP');
  }
  // an echo request opens a connection: it reaches the guest's chains
  const echo = walkFlow(tb, { from: ct102, to: vm1001, proto: 'icmp', dport: null });
  t.is(echo?.decided.chain, 'tap1001i0-IN');
});
