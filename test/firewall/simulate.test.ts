import test from 'ava';
import { clusterRulesMatchingGuestFlow } from '../../src/firewall/cluster-guest.js';
import { guestFirewallState } from '../../src/firewall/guest-state.js';
import { simulate } from '../../src/firewall/simulate.js';
import { SimulationError } from '../../src/lib/errors.js';
import { modelFrom, modelOf } from './helpers.js';

const seed = modelOf('seed');
const harness = modelOf('harness', { localNetwork: '172.16.1.0/24' });

test('seed: ct102 -> vm1001 https is dropped by 1001.fw policy_in', (t) => {
  const r = simulate(seed, {
    from: 'ct102',
    to: 'vm1001',
    proto: 'tcp',
    dport: 443,
    source: '10.0.0.12',
    dest: '10.0.0.101',
  });
  t.is(r.action, 'DROP');
  t.deepEqual(r.decidedBy, { kind: 'policy', file: 'firewall/1001.fw', line: 3, text: 'policy_in: DROP' });
  t.deepEqual(r.trace.slice(1), [
    'veth102i0-OUT: policy_out ACCEPT (default) -> ACCEPT',
    'PVEFW-FORWARD on vmbr0: no rule matches a plain bridge port -> ACCEPT',
    'tap1001i0-IN: policy_in: DROP -> DROP',
  ]);
});

test('seed: IP zones map to the owning guests', (t) => {
  const r = simulate(seed, { from: '10.0.0.12', to: '10.0.0.101', proto: 'tcp', dport: 443 });
  t.is(r.decidedBy.file, 'firewall/1001.fw');
  t.is(r.packet.source, '10.0.0.12');
  t.regex(r.trace[0] ?? '', /ct102 -> vm1001/);
});

test('seed: the cluster rule for traefik -> portainer would match but governs only the node', (t) => {
  const rules = clusterRulesMatchingGuestFlow(seed, {
    from: 'ct102',
    to: 'vm1001',
    proto: 'tcp',
    dport: 443,
    source: '10.0.0.12',
    dest: '10.0.0.101',
  });
  t.deepEqual(
    rules.map((r) => r.line),
    [11],
  );
  t.regex(rules[0]?.text ?? '', /traefik -> portainer/);
});

test('seed: guest firewall states name the first broken link', (t) => {
  t.is(guestFirewallState(seed, 1001).brokenLink, null);
  t.true(guestFirewallState(seed, 1001).effective);
  t.is(guestFirewallState(seed, 103).brokenLink, 'no-fw-file');
  t.is(guestFirewallState(seed, 999).brokenLink, 'not-on-node');
  const off = modelFrom({
    'firewall/cluster.fw': '[OPTIONS]\nenable: 0\n',
    'firewall/100.fw': '[OPTIONS]\nenable: 1\n',
    'nodes/pve/lxc/100.conf': 'net0: name=eth0,bridge=vmbr0,firewall=1,ip=10.0.0.2/24',
  });
  t.is(guestFirewallState(off, 100).brokenLink, 'cluster-disabled');
  const nic = modelFrom({
    'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
    'firewall/100.fw': '[OPTIONS]\nenable: 1\n',
    'nodes/pve/lxc/100.conf': 'net0: name=eth0,bridge=vmbr0,ip=10.0.0.2/24',
  });
  t.is(guestFirewallState(nic, 100).brokenLink, 'nic-firewall-off');
  const dis = modelFrom({
    'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
    'firewall/100.fw': '[OPTIONS]\nenable: 0\n',
    'nodes/pve/lxc/100.conf': 'net0: name=eth0,bridge=vmbr0,firewall=1',
  });
  t.is(guestFirewallState(dis, 100).brokenLink, 'guest-disabled');
});

test('cluster disabled: everything is accepted, decided by cluster.fw enable', (t) => {
  const m = modelFrom({ 'firewall/cluster.fw': '[OPTIONS]\nenable: 0\n\n[RULES]\nIN DROP\n' });
  const r = simulate(m, { from: 'outside', to: 'host', proto: 'tcp', dport: 22 });
  t.is(r.action, 'ACCEPT');
  t.is(r.decidedBy.kind, 'default');
  t.is(r.decidedBy.line, 2);
});

test('enable timestamps count only within 60 seconds', (t) => {
  const files = (ts: number) => ({ 'firewall/cluster.fw': `[OPTIONS]\nenable: ${ts}\n` });
  const now = Math.floor(Date.now() / 1000);
  t.true(modelFrom(files(now - 10)).clusterEnabled);
  t.false(modelFrom(files(now - 3600)).clusterEnabled);
});

test('host enable: 0 removes host chains but guests stay filtered', (t) => {
  const m = modelFrom(
    {
      'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
      'nodes/pve/host.fw': '[OPTIONS]\nenable: 0\n',
      'firewall/100.fw': '[OPTIONS]\nenable: 1\n',
      'nodes/pve/lxc/100.conf': 'net0: name=eth0,bridge=vmbr0,firewall=1,ip=10.0.0.2/24',
    },
    { hostIp: '10.0.0.5' },
  );
  t.is(simulate(m, { from: 'outside', to: 'host', proto: 'tcp', dport: 22 }).action, 'ACCEPT');
  t.is(simulate(m, { from: 'outside', to: 'ct100', proto: 'tcp', dport: 22 }).action, 'DROP');
});

test('a host GROUP with a non-matching -i accepts on the mark left by the guest OUT chain', (t) => {
  const m = modelFrom(
    {
      'firewall/cluster.fw':
        '[OPTIONS]\nenable: 1\n\n[RULES]\nGROUP web -i vmbr9\n\n[group web]\nIN ACCEPT -p tcp -dport 1\n',
      'firewall/100.fw': '[OPTIONS]\nenable: 1\n',
      'nodes/pve/lxc/100.conf': 'net0: name=eth0,bridge=vmbr0,firewall=1,ip=10.0.0.2/24',
    },
    { hostIp: '10.0.0.5' },
  );
  const r = simulate(m, { from: 'ct100', to: 'host', proto: 'tcp', dport: 80 });
  t.is(r.action, 'ACCEPT');
  t.is(r.decidedBy.line, 5);
  t.is(simulate(m, { from: 'outside', to: 'host', proto: 'tcp', dport: 80 }).action, 'DROP');
});

test('host out: local_network management accepts beat policy_out DROP', (t) => {
  const m = modelFrom(
    { 'firewall/cluster.fw': '[OPTIONS]\nenable: 1\npolicy_out: DROP\n' },
    { hostIp: '10.0.0.5', localNetwork: '10.0.0.0/24' },
  );
  t.is(simulate(m, { from: 'host', to: 'outside', proto: 'tcp', dport: 22, dest: '10.0.0.9' }).action, 'ACCEPT');
  t.is(simulate(m, { from: 'host', to: 'outside', proto: 'tcp', dport: 22, dest: '10.1.0.9' }).action, 'DROP');
});

test('a compile error inside a group stops the guest chains (unfiltered)', (t) => {
  const files = (alias: string) => ({
    'firewall/cluster.fw': `[OPTIONS]\nenable: 1\n\n[ALIASES]\n${alias} 10.9.0.1\n\n[group bad]\nIN ACCEPT -source guest/webhost -p tcp -dport 1\n`,
    'firewall/100.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nGROUP bad\n',
    'nodes/pve/lxc/100.conf': 'net0: name=eth0,bridge=vmbr0,firewall=1,ip=10.0.0.2/24',
  });
  // webhost exists in cluster.fw: guest/ passes the parse and fails only at compile time.
  const r = simulate(modelFrom(files('webhost')), { from: 'outside', to: 'ct100', proto: 'tcp', dport: 22 });
  t.is(r.action, 'ACCEPT');
  t.regex(r.decidedBy.text, /compile error/);
  // An unknown name is a plain rule error at parse time: that rule is skipped, the guest stays filtered.
  const u = simulate(modelFrom(files('other')), { from: 'outside', to: 'ct100', proto: 'tcp', dport: 22 });
  t.is(u.action, 'DROP');
  t.is(u.decidedBy.kind, 'policy');
});

test('decidedBy names the harness rules', (t) => {
  const g = simulate(harness, { from: 'outside', to: 'vm100', proto: 'tcp', dport: 80 });
  t.deepEqual([g.decidedBy.file, g.decidedBy.line], ['firewall/cluster.fw', 32]);
  const mgmt = simulate(harness, { from: 'outside', to: 'host', proto: 'tcp', dport: 8006, source: '192.0.2.10' });
  t.is(mgmt.decidedBy.kind, 'default');
  t.regex(mgmt.decidedBy.text, /management/);
  const bl = simulate(harness, { from: 'outside', to: 'host', proto: 'tcp', dport: 22, source: '198.51.100.7' });
  t.regex(bl.decidedBy.text, /blacklist/);
  const rej = simulate(harness, { from: 'outside', to: 'vm100', proto: 'tcp', dport: 5001 });
  t.deepEqual([rej.action, rej.decidedBy.kind, rej.decidedBy.line], ['REJECT', 'policy', 5]);
  const sport = simulate(harness, { from: 'vm100', to: 'outside', proto: 'udp', sport: 5000, dport: 5001 });
  t.is(sport.decidedBy.line, 31);
  t.true(sport.trace.some((l) => l.includes('would abort')));
  const empty = simulate(harness, { from: 'outside', to: 'host', proto: 'tcp', dport: 80, source: '10.1.1.1' });
  t.true(empty.trace.some((l) => l.includes('empty group')));
});

test('invalid input throws SimulationError saying what is valid', (t) => {
  const e = t.throws(() => simulate(seed, { from: 'ct102', to: 'vm99', proto: 'tcp', dport: 443 }), {
    instanceOf: SimulationError,
  });
  t.regex(e?.message ?? '', /unknown zone "vm99": no guest 99 in \/etc\/pve\/nodes\/pve; zones are host, outside/);
  t.throws(() => simulate(seed, { from: 'vm102', to: 'host', proto: 'tcp' }), { message: /container, write ct102/ });
  t.throws(() => simulate(seed, { from: 'ct102i3', to: 'host', proto: 'tcp' }), {
    message: /no net3 \(its NICs: net0\)/,
  });
  t.throws(() => simulate(seed, { from: 'host', to: 'host', proto: 'tcp' }), { message: /same zone/ });
  t.throws(() => simulate(seed, { from: 'outside', to: 'host', proto: 'tcp', dport: 70000 }), {
    message: /bad dport "70000"/,
  });
  t.throws(() => simulate(seed, { from: 'outside', to: 'host', proto: 'icmp', dport: 'nope' }), {
    message: /bad ICMP type/,
  });
});

test('simulate is deterministic for repeated flows (no mark leaks between runs)', (t) => {
  const f = { from: 'vm101', to: 'outside', proto: 'tcp' as const, dport: 443 };
  t.deepEqual(simulate(harness, f), simulate(harness, f));
});

test('IPv6: icmpv6 uses the v6 ruleset, Ping macro, RA dropped without radv', (t) => {
  const m = modelFrom({
    'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
    'firewall/100.fw':
      '[OPTIONS]\nenable: 1\n\n[RULES]\nIN Ping(ACCEPT)\nIN ACCEPT -source 10.0.0.0/8 -p tcp -dport 22\n',
    'nodes/pve/lxc/100.conf': 'net0: name=eth0,bridge=vmbr0,firewall=1,ip=10.0.0.2/24,ip6=fd00::2/64',
  });
  const v6 = { source: 'fd00::9', dest: 'fd00::2' };
  t.is(simulate(m, { from: 'outside', to: 'ct100', proto: 'icmpv6', dport: 'echo-request', ...v6 }).action, 'ACCEPT');
  t.is(simulate(m, { from: 'outside', to: 'ct100', proto: 'tcp', dport: 22, ...v6 }).action, 'DROP');
  t.is(
    simulate(m, { from: 'outside', to: 'ct100', proto: 'tcp', dport: 22, source: '10.1.1.1', dest: '10.0.0.2' }).action,
    'ACCEPT',
  );
  t.is(
    simulate(m, {
      from: 'ct100',
      to: 'outside',
      proto: 'icmpv6',
      dport: 'router-advertisement',
      source: 'fd00::2',
      dest: 'ff02::1',
    }).action,
    'DROP',
  );
  t.is(
    simulate(m, {
      from: 'fd00::2',
      to: 'outside',
      proto: 'icmpv6',
      dport: 'neighbor-solicitation',
      dest: 'ff02::1:ff00:9',
    }).action,
    'ACCEPT',
  );
});
