import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { checkHostKey, keysFor } from '../../src/collect/known-hosts.js';

// A hashed entry written by ssh-keygen -H for "pve-lab.test" must match whatever case the inventory uses.
test('hashed entries match host names case-insensitively, as OpenSSH lower-cases them', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pveaudit-kh-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
  const pub = readFileSync(join(dir, 'k.pub'), 'utf8').split(/\s+/).slice(0, 2).join(' ');
  const kh = join(dir, 'known_hosts');
  writeFileSync(kh, `pve-lab.test ${pub}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
  const text = readFileSync(kh, 'utf8');
  t.true(text.startsWith('|1|'));
  const blob = Buffer.from(pub.split(' ')[1]!, 'base64');
  t.is(checkHostKey(keysFor(text, 'PVE-LAB.test', 22), blob).status, 'known');
  t.is(checkHostKey(keysFor(text, 'pve-lab.test', 22), blob).status, 'known');
});
