import test from 'ava';
import { simulate } from '../../src/firewall/simulate.js';
import { modelFrom } from './helpers.js';

const host = (rules: string, opts = '') =>
  modelFrom(
    { 'firewall/cluster.fw': `[OPTIONS]\nenable: 1\n${opts}\n[RULES]\n${rules}` },
    { hostIp: '10.0.0.5', localNetwork: '10.0.0.0/24' },
  );

test('-p icmp -dport 0 is --icmp-type 0 (echo-reply), not "any ICMP"', (t) => {
  const m = host('IN ACCEPT -p icmp -dport 0\n');
  t.is(simulate(m, { from: 'outside', to: 'host', proto: 'icmp', dport: 0 }).action, 'ACCEPT');
  t.is(simulate(m, { from: 'outside', to: 'host', proto: 'icmp', dport: 'echo-request' }).action, 'DROP');
});

test('an ICMP type above 255 fails at compile time: the rule is skipped', (t) => {
  const m = host('IN ACCEPT -p icmp -dport 300\nIN ACCEPT -p icmp -dport 3\n');
  t.is(m.clusterRules.length, 1);
  t.is(m.clusterRules[0]?.rule.line, 6);
});

test('ICMP types given as a number and written as a name: kernel match, simulator-divergence note', (t) => {
  const m = host('IN ACCEPT -p icmp -icmp-type echo-request\n');
  const r = simulate(m, { from: 'outside', to: 'host', proto: 'icmp', dport: 8 });
  t.is(r.action, 'ACCEPT');
  t.true(r.trace.some((l) => /compares ICMP types as strings/.test(l)));
  const same = simulate(m, { from: 'outside', to: 'host', proto: 'icmp', dport: 'echo-request' });
  t.false(same.trace.some((l) => /compares ICMP types as strings/.test(l)));
});

test('IPv4-only rules are absent from the IPv6 ruleset; rules without addresses are in both', (t) => {
  const m = modelFrom({
    'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
    'firewall/100.fw':
      '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 22 -dest 10.0.0.2\nIN ACCEPT -p tcp -dport 80\nIN ACCEPT -p icmp\n',
    'nodes/pve/lxc/100.conf': 'net0: name=eth0,bridge=vmbr0,firewall=1,ip=10.0.0.2/24,ip6=fd00::2/64',
  });
  const v6 = { from: 'outside', to: 'ct100', source: 'fd00::9', dest: 'fd00::2' };
  t.is(simulate(m, { ...v6, proto: 'tcp', dport: 22 }).action, 'DROP');
  t.is(simulate(m, { ...v6, proto: 'tcp', dport: 80 }).action, 'ACCEPT');
  t.is(simulate(m, { ...v6, proto: 'icmpv6', dport: 'echo-request' }).action, 'DROP');
  t.is(simulate(m, { from: 'outside', to: 'ct100', proto: 'icmp', dport: 'echo-request' }).action, 'ACCEPT');
});

test('constructs pve-firewall simulate cannot evaluate are noted when reached', (t) => {
  const note = (rules: string, opts = '') =>
    simulate(host(rules, opts), { from: 'outside', to: 'host', proto: 'tcp', dport: 22, sport: 4000 }).trace.find((l) =>
      l.startsWith('note: pve-firewall simulate would abort'),
    ) ?? '';
  t.regex(note('IN ACCEPT -p 6 -dport 22\n'), /protocol 6/);
  t.regex(note('IN ACCEPT -p tcp -dport 21,22\n'), /port list/);
  t.regex(note('IN ACCEPT -p tcp -dport 22 -log info\n'), /log rule/);
  t.is(note('IN ACCEPT -p tcp -dport 22 -log info\n', 'log_ratelimit: enable=0\n'), '');
  t.regex(note('IN ACCEPT -p tcp -dport 22 -sport 4000\n'), /--sport/);
  t.regex(note('IN ACCEPT -p tcp -dport 22 -source 100.100.1.0-100.100.1.9\n'), /IP range/);
});
