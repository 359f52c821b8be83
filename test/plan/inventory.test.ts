import { fileURLToPath } from 'node:url';
import test from 'ava';
import { PveauditError } from '../../src/lib/errors.js';
import { limitHosts, loadInventory, parseInventory } from '../../src/plan/inventory.js';

const fixture = fileURLToPath(new URL('../fixtures/plan/inventory.yml', import.meta.url));

test('hosts come in file order with group vars inherited and the deepest group winning', async (t) => {
  const inv = await loadInventory(fixture);
  t.deepEqual(
    inv.hosts.map((h) => h.name),
    ['lone', 'pve1', 'pve2', 'pve3', 'viaconfig'],
  );
  const get = (n: string) => ({ ...inv.hosts.find((h) => h.name === n)?.vars });
  t.deepEqual(get('lone'), { ansible_user: 'auditor', ansible_port: 22, ansible_host: '192.0.2.10' });
  t.deepEqual(get('pve1'), { ansible_user: 'root', ansible_port: 22, ansible_host: '198.51.100.1' });
  t.is(get('pve2')?.ansible_port, 2222, 'host vars beat group vars');
  t.is(get('pve3')?.ansible_port, 2200, 'child group vars beat parent group vars');
  t.is(get('pve3')?.ansible_user, 'root');
  t.is(
    inv.hosts.find((h) => h.name === 'pve3')?.sources.ansible_port?.field,
    'all.children.proxmox.children.lab.vars.ansible_port',
  );
});

test('groups include their children', async (t) => {
  const inv = await loadInventory(fixture);
  t.deepEqual(inv.groups.get('proxmox')?.sort(), ['pve1', 'pve2', 'pve3']);
  t.deepEqual(inv.groups.get('lab'), ['pve3']);
  t.is(inv.groups.get('all')?.length, 5);
});

test('--limit takes host and group names, comma or colon separated, and ! to exclude', async (t) => {
  const inv = await loadInventory(fixture);
  const names = (l: string) => limitHosts(inv, l).map((h) => h.name);
  t.deepEqual(names('pve2'), ['pve2']);
  t.deepEqual(names('proxmox'), ['pve1', 'pve2', 'pve3']);
  t.deepEqual(names('lone,lab'), ['lone', 'pve3']);
  t.deepEqual(names('proxmox:!lab'), ['pve1', 'pve2']);
  t.deepEqual(names('!proxmox'), ['lone', 'viaconfig']);
  const err = t.throws(() => limitHosts(inv, 'nope'));
  t.regex(err.message, /"nope" is neither a host nor a group/);
});

test('a malformed inventory names the file and field', (t) => {
  const err = t.throws(() => parseInventory('inv.yml', { all: { hosts: { 'bad host;': {} } } }), {
    instanceOf: PveauditError,
  });
  t.is((err as PveauditError).location, 'inv.yml: all.hosts.bad host;');
  const err2 = t.throws(() => parseInventory('inv.yml', { all: { hostz: {} } }));
  t.regex(err2.message, /unknown key "hostz"/);
});
