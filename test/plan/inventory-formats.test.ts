import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { PveauditError } from '../../src/lib/errors.js';
import { type Inventory, limitHosts, loadInventory } from '../../src/plan/inventory.js';

// Inventories written the way Ansible's inventory guide writes them, checked against what
// `ansible-inventory --list` says about the same files: recorded in json/, and live when Ansible is
// installed (Debian's ansible package).
const dir = fileURLToPath(new URL('../fixtures/plan/inventory/', import.meta.url));
const CASES = [
  { name: 'ini', source: 'ini/hosts' },
  { name: 'yaml', source: 'yaml/hosts.yml' },
  { name: 'dir', source: 'dir' },
];

interface Flat {
  hosts: Record<string, unknown>;
  groups: Record<string, string[]>;
}

// Sorted keys, so two objects compare by content alone.
const canon = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canon)
    : v !== null && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
        )
      : v;

function flattenAnsible(list: Record<string, { hosts?: string[]; children?: string[] }> & { _meta?: unknown }): Flat {
  const meta = list._meta as { hostvars: Record<string, unknown> };
  const members = (g: string): string[] => {
    const node = list[g] ?? {};
    return [...(node.hosts ?? []), ...(node.children ?? []).flatMap(members)];
  };
  const groups: Record<string, string[]> = {};
  for (const g of Object.keys(list).filter((k) => k !== '_meta')) {
    const hosts = [...new Set(members(g))].sort();
    if (hosts.length > 0) groups[g] = hosts;
  }
  return { hosts: canon(meta.hostvars) as Record<string, unknown>, groups };
}

function flattenOurs(inv: Inventory): Flat {
  const groups: Record<string, string[]> = {};
  for (const [g, hosts] of inv.groups) if (hosts.length > 0) groups[g] = [...hosts].sort();
  return {
    hosts: canon(Object.fromEntries(inv.hosts.map((h) => [h.name, { ...h.vars }]))) as Record<string, unknown>,
    groups,
  };
}

const hasAnsible = (() => {
  try {
    execFileSync('ansible-inventory', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

for (const c of CASES) {
  test(`${c.name}: the same hosts, groups and variables as the recorded ansible-inventory --list`, async (t) => {
    const ours = flattenOurs(await loadInventory(join(dir, c.source)));
    const recorded = JSON.parse(readFileSync(join(dir, `json/${c.name}.ansible.json`), 'utf8'));
    const { all: _all, ...theirs } = flattenAnsible(recorded).groups;
    const { all, ...groups } = ours.groups;
    t.deepEqual(ours.hosts, flattenAnsible(recorded).hosts);
    t.deepEqual(groups, theirs);
    t.is(all?.length, Object.keys(ours.hosts).length);
  });

  test(`${c.name}: the same as ansible-inventory --list run now`, async (t) => {
    if (!hasAnsible) {
      t.log('ansible-inventory is not installed: compared against the recorded output only');
      t.pass();
      return;
    }
    const live = JSON.parse(
      execFileSync('ansible-inventory', ['-i', join(dir, c.source), '--list'], {
        encoding: 'utf8',
        // run where no ansible.cfg can change what it reads
        cwd: tmpdir(),
        env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
      }),
    );
    t.deepEqual(flattenOurs(await loadInventory(join(dir, c.source))), flattenAnsible(live));
  });

  test(`${c.name}: its ansible-inventory --list JSON read back gives the same inventory`, async (t) => {
    const fromJson = flattenOurs(await loadInventory(join(dir, `json/${c.name}.ansible.json`)));
    t.deepEqual(fromJson, flattenOurs(await loadInventory(join(dir, c.source))));
  });
}

test('--list --export (group vars kept in the groups) merges to the same host variables', async (t) => {
  const exported = flattenOurs(await loadInventory(join(dir, 'json/ini.export.json')));
  t.deepEqual(exported, flattenOurs(await loadInventory(join(dir, 'ini/hosts'))));
});

test('INI details: host:port, quoting, Python literals, ranges and precedence', async (t) => {
  const inv = await loadInventory(join(dir, 'ini/hosts'));
  const v = (h: string) => ({ ...inv.hosts.find((x) => x.name === h)?.vars });
  t.like(v('pve-a9.example.net'), { ansible_port: 2222, ansible_user: 'admin' });
  t.like(v('pve-r1'), { note: 'rack 4, row B', serial: '0042', maintenance: false, ansible_port: 2022 });
  t.like(v('pve-a1.example.net'), { ansible_user: 'root', ansible_port: 22 });
  t.deepEqual(inv.groups.get('backup'), [
    'pbs01.example.net',
    'pbs04.example.net',
    'pbs07.example.net',
    'pbs10.example.net',
  ]);
  t.deepEqual(inv.groups.get('ungrouped'), ['bastion.example.net']);
  const src = inv.hosts.find((h) => h.name === 'pve-r1')?.sources.note;
  t.deepEqual(src, { file: join(dir, 'ini/hosts'), line: 11, field: 'note' });
  t.deepEqual(
    limitHosts(inv, 'southeast:!pve_raleigh').map((h) => h.name),
    ['pve-a1.example.net', 'pve-a2.example.net', 'pve-a3.example.net', 'pve-a9.example.net'],
  );
});

const tmp = () => mkdtempSync(join(tmpdir(), 'pveaudit-inv-'));
const write = (text: string, name = 'hosts') => {
  const path = join(tmp(), name);
  writeFileSync(path, text);
  return path;
};
const fails = async (t: import('ava').ExecutionContext, text: string, message: RegExp, line?: number) => {
  const path = write(text);
  const err = await t.throwsAsync(loadInventory(path), { instanceOf: PveauditError, message });
  t.is((err as PveauditError).file, path);
  if (line !== undefined) t.is((err as PveauditError).line, line);
};

test('INI errors name the file and line', async (t) => {
  await fails(t, '[a]\nh1\n[b:vars]\nx=1\n', /\[b:vars\] names undefined group "b"/, 3);
  await fails(t, '[a:nope]\nh1\n', /unknown type "nope"/, 1);
  await fails(t, '[a]\nh1 novalue\n', /expected key=value host variable, got "novalue"/, 2);
  await fails(t, '[a:children]\nb\n', /includes undefined group "b"/, 2);
  await fails(t, '[a]\nh1 x="open\n', /quotation mark is not closed/, 2);
  await fails(t, '[a]\nh1\n[a:vars]\nnovalue\n', /expected key=value/, 4);
  await fails(t, '[a]\npve[3:1]\n', /runs backwards/, 2);
  await fails(t, '[a:children]\nb\n[b:children]\na\n', /loop of groups/, 4);
});

test('YAML and JSON errors name the file and line', async (t) => {
  await fails(t, 'all:\n  hosts:\n    pve1:\n      - x\n', /expected a mapping/, 3);
  await fails(t, 'all:\n  hostz:\n    pve1:\n', /unknown key "hostz"/, 2);
  await fails(t, 'all:\n  hosts:\n    pve1: {\n', /not valid YAML/);
  await fails(t, '{"_meta": {"hostvars": {}}, "g": {"hosts": "pve1"}}', /list of names/, 1);
  await fails(t, 'plugin: community.general.proxmox\nurl: https://pve:8006\n', /ansible-inventory -i .* --list/, 1);
});

test('a group or host named like an Object property is only a name', async (t) => {
  const ini = await loadInventory(
    write('[__proto__]\nh1 x=1\n[__proto__:vars]\ny=2\n[constructor:children]\n__proto__\n'),
  );
  t.deepEqual(ini.groups.get('__proto__'), ['h1']);
  t.deepEqual(ini.groups.get('constructor'), ['h1']);
  t.deepEqual({ ...ini.hosts[0]?.vars }, { x: 1, y: 2 });
  t.deepEqual(
    limitHosts(ini, '__proto__').map((h) => h.name),
    ['h1'],
  );
  t.throws(() => limitHosts(ini, 'toString'), { message: /neither a host nor a group/ });
  const yaml = await loadInventory(write('__proto__:\n  hosts:\n    h2:\n      __proto__: 1\n', 'inv.yml'));
  t.deepEqual(yaml.groups.get('__proto__'), ['h2']);
  t.is(Object.getPrototypeOf(yaml.hosts[0]?.vars), null);
  const protoKey = '__proto__';
  t.is(yaml.hosts[0]?.vars[protoKey], 1);
});

test('content decides the format, not the file name', async (t) => {
  const iniAsYml = await loadInventory(write('[pve]\npve1 ansible_host=192.0.2.1\n', 'inventory.yml'));
  t.is(iniAsYml.hosts[0]?.vars.ansible_host, '192.0.2.1');
  const yamlNoExt = await loadInventory(write('all:\n  hosts:\n    pve1:\n      ansible_host: 192.0.2.1\n'));
  t.is(yamlNoExt.hosts[0]?.vars.ansible_host, '192.0.2.1');
  const bare = await loadInventory(write('pve1\npve2:2200\n'));
  t.deepEqual(
    bare.hosts.map((h) => [h.name, h.vars.ansible_port]),
    [
      ['pve1', undefined],
      ['pve2', 2200],
    ],
  );
});
