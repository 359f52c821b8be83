import { readFileSync } from 'node:fs';
import test from 'ava';
import { parseCorosync } from '../../src/parse/corosync.js';
import { parseLocalnet } from '../../src/parse/localnet.js';
import { parsePropertyString } from '../../src/parse/property-string.js';
import { parseFirewallStatus } from '../../src/parse/pve-status.js';

test('pve-firewall status with warnings and pending changes', (t) => {
  const s = parseFirewallStatus(
    '/etc/pve/firewall/cluster.fw (line 7) - unable to parse option\nStatus: enabled/running (pending changes)\n',
    'commands/s.out',
  );
  t.deepEqual([s.enabled, s.state, s.pendingChanges], [true, 'running', true]);
  t.deepEqual(s.warnings, ['/etc/pve/firewall/cluster.fw (line 7) - unable to parse option']);
  const d = parseFirewallStatus('Status: disabled/stopped\n', 'x');
  t.deepEqual([d.enabled, d.state, d.pendingChanges], [false, 'stopped', false]);
  t.is(parseFirewallStatus('garbage', 'x').issues[0]?.code, 'fw-status-missing');
});

test('pve-firewall localnet output', (t) => {
  const text =
    'local hostname: pve\nlocal IP address: 10.0.0.5\nnetwork auto detect: 10.0.0.0/24\nusing detected local_network: 10.0.0.0/24\n\naccepting corosync traffic from/to:\n - pve2: 10.0.0.6 (link: 0)\n - pve2: 10.1.0.6 (link: 1)\n - pve3: 10.0.0.7 (link: 0)\n';
  const l = parseLocalnet(text, 'x');
  t.like(l, { nodename: 'pve', nodeIp: '10.0.0.5', localNetwork: '10.0.0.0/24', fromAlias: false });
  t.deepEqual(l.corosyncPeers, [
    { name: 'pve2', addresses: ['10.0.0.6', '10.1.0.6'] },
    { name: 'pve3', addresses: ['10.0.0.7'] },
  ]);
  t.true(parseLocalnet('using user defined local_network: 10.9.0.0/16\n', 'x').fromAlias);
});

test('corosync.conf nodes and totem', (t) => {
  const c = parseCorosync(
    readFileSync(new URL('../fixtures/pve/harness/corosync.conf', import.meta.url), 'utf8'),
    'corosync.conf',
  );
  t.is(c.transport, 'udp');
  t.is(c.ipVersion, 'ipv4');
  t.deepEqual(
    c.nodes.map((n) => n.name),
    ['pve', 'prox1', 'prox2'],
  );
  t.is(c.nodes[1]?.addresses.ring2_addr, 'prox1-ring2.example');
  t.is(parseCorosync('nodelist {\n node {\n', 'x').issues[0]?.code, 'corosync-syntax');
});

test('property strings are unordered with a default key', (t) => {
  t.deepEqual(parsePropertyString('virtio=AA,bridge=vmbr0', 'model'), { virtio: 'AA', bridge: 'vmbr0' });
  t.deepEqual(parsePropertyString('local-lvm:vm-1-disk-0,size=8G', 'volume'), {
    volume: 'local-lvm:vm-1-disk-0',
    size: '8G',
  });
});
