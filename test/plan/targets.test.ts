import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { PveauditError } from '../../src/lib/errors.js';
import { limitHosts, loadInventory, parseInventory } from '../../src/plan/inventory.js';
import { resolveTargets } from '../../src/plan/targets.js';

const fixture = fileURLToPath(new URL('../fixtures/plan/inventory.yml', import.meta.url));
const sshConfig = fileURLToPath(new URL('../fixtures/plan/ssh_config', import.meta.url));
const env = { PVEAUDIT_SSH_CONFIG: sshConfig, SSH_AUTH_SOCK: '/run/agent.sock' };

test('inventory variables decide address, user and port', async (t) => {
  const inv = await loadInventory(fixture);
  const [pve2] = resolveTargets(inv, limitHosts(inv, 'pve2'), env);
  t.like(pve2, { name: 'pve2', address: '198.51.100.2', port: 2222, user: 'root', agent: '/run/agent.sock' });
});

test('an ~/.ssh/config alias gives HostName, User, Port and IdentityFile, and Match exec never runs', async (t) => {
  const inv = await loadInventory(fixture);
  const [via] = resolveTargets(inv, limitHosts(inv, 'viaconfig'), env);
  // the inventory's all.vars user/port are overridden by nothing in ssh_config for ansible_* vars:
  // Ansible passes ansible_user/ansible_port to ssh, which beat ~/.ssh/config.
  t.like(via, { address: '203.0.113.7', user: 'auditor', port: 22 });
  t.false(existsSync('/tmp/pveaudit-must-not-exist'));
});

test('without ansible_* vars ssh config values apply, and %d/%r tokens expand', (t) => {
  const home = homedir();
  const key = join(home, '.ssh', 'viaconfig_admin');
  const inv = parseInventory('inv.yml', { all: { hosts: { viaconfig: null } } });
  const [via] = resolveTargets(inv, inv.hosts, env);
  t.like(via, { address: '203.0.113.7', user: 'admin', port: 2022 });
  // IdentityFile entries that do not exist are skipped, as ssh does
  t.deepEqual(via?.identityFiles, existsSync(key) ? [key] : []);
});

test('a key file from the inventory must exist; bad ports and addresses are named by field', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pveaudit-keys-'));
  writeFileSync(join(dir, 'id'), 'x');
  const ok = parseInventory('inv.yml', {
    all: { hosts: { a: { ansible_host: '192.0.2.1', ansible_ssh_private_key_file: join(dir, 'id') } } },
  });
  t.deepEqual(resolveTargets(ok, ok.hosts, env)[0]?.identityFiles, [join(dir, 'id')]);

  const cases: [Record<string, unknown>, string, RegExp][] = [
    [
      { ansible_ssh_private_key_file: join(dir, 'missing') },
      'all.hosts.a.ansible_ssh_private_key_file',
      /does not exist/,
    ],
    [{ ansible_port: 70000 }, 'all.hosts.a.ansible_port', /not a TCP port/],
    [{ ansible_host: '1.2.3.4; reboot' }, 'all.hosts.a.ansible_host', /not a host name or IP/],
    [{ ansible_user: 'root$(id)' }, 'all.hosts.a.ansible_user', /not a valid user name/],
  ];
  for (const [vars, field, message] of cases) {
    const inv = parseInventory('inv.yml', { all: { hosts: { a: { ansible_host: '192.0.2.1', ...vars } } } });
    const err = t.throws(() => resolveTargets(inv, inv.hosts, env), { instanceOf: PveauditError }) as PveauditError;
    t.is(err.location, `inv.yml: ${field}`);
    t.regex(err.message, message);
  }
});

test('~/.ssh/config Include directives are followed, relative to the config directory, with globs', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pveaudit-sshcfg-'));
  mkdirSync(join(dir, 'config.d'));
  writeFileSync(join(dir, 'config'), 'Include config.d/*.conf\nHost *\n  User fallback\n');
  writeFileSync(join(dir, 'config.d', '10-pve.conf'), 'Host pvealias\n  HostName 198.51.100.77\n  Port 2200\n');
  writeFileSync(join(dir, 'config.d', 'ignored.txt'), 'Host pvealias\n  HostName 203.0.113.1\n');
  const inv = parseInventory('inv.yml', { all: { hosts: { pvealias: {} } } });
  const [target] = resolveTargets(inv, inv.hosts, { PVEAUDIT_SSH_CONFIG: join(dir, 'config') });
  t.like(target, { address: '198.51.100.77', port: 2200, user: 'fallback' });
});

test('known_hosts files come from ssh_config (UserKnownHostsFile, GlobalKnownHostsFile), else OpenSSH defaults', (t) => {
  const inv = parseInventory('inv.yml', { all: { hosts: { 'a.example': null, viaconfig: null } } });
  const [a, via] = resolveTargets(inv, inv.hosts, env);
  t.deepEqual(a?.knownHosts, {
    user: [join(homedir(), '.ssh', 'known_hosts_example'), '/srv/kh/a.example'],
    global: ['/srv/global_known_hosts'],
  });
  t.deepEqual(via?.knownHosts, {
    user: [join(homedir(), '.ssh', 'known_hosts'), join(homedir(), '.ssh', 'known_hosts2')],
    global: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
  });
});
