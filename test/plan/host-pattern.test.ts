import test from 'ava';
import { PveauditError } from '../../src/lib/errors.js';
import { expandHostPattern } from '../../src/plan/host-pattern.js';
import { parseInventory } from '../../src/plan/inventory.js';

const where = { file: 'inv.yml', field: 'all.hosts.x' };

test('numeric, zero-padded, stepped and alphabetic ranges expand as Ansible does', (t) => {
  t.deepEqual(expandHostPattern('pve[1:3]', where), ['pve1', 'pve2', 'pve3']);
  t.deepEqual(
    expandHostPattern('node[08:11].lab', where),
    ['node08', 'node09', 'node10', 'node11'].map((n) => `${n}.lab`),
  );
  t.deepEqual(expandHostPattern('n[01:07:3]', where), ['n01', 'n04', 'n07']);
  t.deepEqual(expandHostPattern('db-[a:c]', where), ['db-a', 'db-b', 'db-c']);
  t.deepEqual(expandHostPattern('plain', where), ['plain']);
});

test('a backwards or mixed range is an error naming file and field', (t) => {
  const back = t.throws(() => expandHostPattern('pve[3:1]', where), { instanceOf: PveauditError });
  t.is((back as PveauditError).location, 'inv.yml: all.hosts.x');
  t.throws(() => expandHostPattern('pve[1:c]', where), { message: /must be \[N:M\]/ });
});

test('an inventory host range becomes one host per name, each with the group vars', (t) => {
  const inv = parseInventory('inv.yml', {
    all: { children: { proxmox: { vars: { ansible_user: 'root' }, hosts: { 'pve[1:2].lab': {} } } } },
  });
  t.deepEqual(
    inv.hosts.map((h) => [h.name, h.vars.ansible_user]),
    [
      ['pve1.lab', 'root'],
      ['pve2.lab', 'root'],
    ],
  );
});

test('two ranges in one name expand both, within the same 1000-host bound', (t) => {
  t.deepEqual(expandHostPattern('r[1:2]n[a:b]', where), ['r1na', 'r1nb', 'r2na', 'r2nb']);
  t.throws(() => expandHostPattern('r[1:100]n[1:100]', where), { message: /over 1000 hosts/ });
});
