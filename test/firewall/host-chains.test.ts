import test from 'ava';
import { simulate } from '../../src/firewall/simulate.js';
import { modelFrom } from './helpers.js';

const net = { hostIp: '10.0.0.5', localNetwork: '10.0.0.0/24' };

test('no cluster.fw, or one without enable: no chains, everything is accepted', (t) => {
  const cases: Array<Record<string, string>> = [{}, { 'firewall/cluster.fw': '[RULES]\nIN DROP\n' }];
  for (const files of cases) {
    const m = modelFrom(files, net);
    t.false(m.clusterEnabled);
    const r = simulate(m, { from: 'outside', to: 'host', proto: 'tcp', dport: 22, source: '192.0.2.1' });
    t.is(r.action, 'ACCEPT');
    t.is(r.decidedBy.kind, 'default');
  }
});

test('enable timestamp: the now option decides (at most 60 s in the past)', (t) => {
  const files = { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1700000000\n' };
  t.true(modelFrom(files, { ...net, now: 1700000060 }).clusterEnabled);
  t.false(modelFrom(files, { ...net, now: 1700000061 }).clusterEnabled);
});

test('a compile error in a group used by a host rule loses only that GROUP rule', (t) => {
  const m = modelFrom(
    {
      'firewall/cluster.fw':
        '[OPTIONS]\nenable: 1\n\n[ALIASES]\nx 10.9.0.1\n\n[RULES]\nGROUP bad\nGROUP averyverylonggroupx\nIN ACCEPT -p tcp -dport 81\n\n[group bad]\nIN ACCEPT -source guest/x -p tcp -dport 80\n',
    },
    net,
  );
  t.is(simulate(m, { from: 'outside', to: 'host', proto: 'tcp', dport: 81, source: '192.0.2.1' }).action, 'ACCEPT');
  t.is(simulate(m, { from: 'outside', to: 'host', proto: 'tcp', dport: 80, source: '192.0.2.1' }).action, 'DROP');
});

test('with no rules at all, 8006 and 22 stay open to local_network; other sources hit policy_in', (t) => {
  const m = modelFrom({ 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n' }, net);
  for (const dport of [8006, 22, 3128, 5900]) {
    t.is(simulate(m, { from: 'outside', to: 'host', proto: 'tcp', dport, source: '10.0.0.77' }).action, 'ACCEPT');
  }
  t.is(simulate(m, { from: 'outside', to: 'host', proto: 'tcp', dport: 8006, source: '10.1.0.77' }).action, 'DROP');
});

test('guest -> host: the guest OUT chain, then host and cluster rules in PVEFW-HOST-IN', (t) => {
  const m = modelFrom(
    {
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -i vmbr1 -p tcp -dport 9100\n',
      'firewall/100.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nOUT DROP -p tcp -dport 9101\n',
      'nodes/pve/lxc/100.conf': 'net0: name=eth0,bridge=vmbr1,firewall=1,ip=10.1.0.2/24',
    },
    net,
  );
  const r = simulate(m, { from: 'ct100', to: 'host', proto: 'tcp', dport: 9100 });
  t.is(r.action, 'ACCEPT');
  t.deepEqual([r.decidedBy.file, r.decidedBy.line], ['firewall/cluster.fw', 5]);
  t.true(r.trace.some((l) => l.startsWith('veth100i0-OUT')));
  const d = simulate(m, { from: 'ct100', to: 'host', proto: 'tcp', dport: 9101 });
  t.deepEqual([d.action, d.decidedBy.file], ['DROP', 'firewall/100.fw']);
});

test('a policy with a log level is noted (rate-limited NFLOG rule); packet addresses default like pve', (t) => {
  const m = modelFrom(
    { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n', 'nodes/pve/host.fw': '[OPTIONS]\nlog_level_in: info\n' },
    net,
  );
  const r = simulate(m, { from: 'outside', to: 'host', proto: 'tcp', dport: 9 });
  t.is(r.action, 'DROP');
  t.true(r.trace.some((l) => /abort at the policy log rule of PVEFW-HOST-IN/.test(l)));
  t.deepEqual([r.packet.source, r.packet.dest], ['100.100.1.2', '10.0.0.5']);
  const out = simulate(m, { from: 'host', to: 'outside', proto: 'tcp', dport: 9 });
  t.deepEqual([out.packet.source, out.packet.dest], ['10.0.0.5', '100.200.3.4']);
  t.false(out.trace.some((l) => /policy log rule/.test(l)));
});
