import test from 'ava';
import { readPveDir } from '../../src/cli/commands/simulate.js';
import { parsePveTree } from '../../src/parse/pve-tree.js';

const dir = (n: string) => new URL(`../fixtures/pve/${n}`, import.meta.url).pathname;

test('seed tree: node, host IP from corosync, local guests, guest .fw files', (t) => {
  const { config, issues } = parsePveTree(readPveDir(dir('seed')));
  t.is(config.nodename, 'pve');
  t.is(config.hostIp, '10.0.0.5');
  t.deepEqual(Object.keys(config.guests).sort(), ['1001', '101', '102', '103']);
  t.deepEqual(Object.keys(config.guestFw).sort(), ['1001', '102']);
  t.is(config.cluster?.rules.length, 8);
  t.deepEqual(issues, []);
});

test('options override, cluster local_network alias wins, other nodes are ignored', (t) => {
  const files = new Map([
    ['firewall/cluster.fw', '[ALIASES]\nlocal_network 192.168.7.0/24\n'],
    ['nodes/a/lxc/100.conf', 'hostname: a\n'],
    ['nodes/b/lxc/200.conf', 'hostname: b\n'],
  ]);
  const r = parsePveTree(files, { nodename: 'b', hostIp: '192.168.7.2', localNetwork: '10.0.0.0/8' });
  t.deepEqual(Object.keys(r.config.guests), ['200']);
  t.is(r.config.localNetwork, '192.168.7.0/24');
  t.is(r.config.hostIp, '192.168.7.2');
  const multi = parsePveTree(new Map([...files].slice(1)));
  t.is(multi.config.nodename, 'a');
  t.is(multi.issues.find((i) => i.code === 'pve-tree-nodename')?.severity, 'warning');
});
