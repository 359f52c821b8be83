import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { agentIdentities } from '../../src/sign/agent.js';
import { loadKeyFile } from '../../src/sign/key-file.js';
import { fingerprint, signRaw } from '../../src/sign/keys.js';
import { parseSshSig, sshsigSign, sshsigVerify } from '../../src/sign/sshsig.js';

// Both directions against OpenSSH itself: ssh-keygen -Y verify accepts what we sign, and we accept
// what ssh-keygen -Y sign writes, for every key type pveaudit supports.

const dir = mkdtempSync(join(tmpdir(), 'pveaudit-sshsig-'));
const NS = 'pveaudit-report';
const message = Buffer.from('{"manifest": "a report"}\n');

const KEYS: [string, string[]][] = [
  ['ed25519', ['-t', 'ed25519']],
  ['ecdsa-256', ['-t', 'ecdsa', '-b', '256']],
  ['ecdsa-384', ['-t', 'ecdsa', '-b', '384']],
  ['ecdsa-521', ['-t', 'ecdsa', '-b', '521']],
  ['rsa', ['-t', 'rsa', '-b', '2048']],
  ['rsa-pem', ['-t', 'rsa', '-b', '2048', '-m', 'PEM']],
];

function keygen(name: string, args: string[], passphrase = ''): string {
  const file = join(dir, name);
  execFileSync('ssh-keygen', [...args, '-q', '-N', passphrase, '-C', `${name}@test`, '-f', file]);
  return file;
}

function allowedSigners(principal: string, pubFile: string): string {
  const file = join(dir, `allowed-${principal}`);
  writeFileSync(file, `${principal} ${readFileSync(pubFile, 'utf8')}`);
  return file;
}

for (const [name, args] of KEYS) {
  test(`${name}: ssh-keygen -Y verify accepts pveaudit's signature, and pveaudit accepts ssh-keygen's`, async (t) => {
    const file = keygen(name, args);
    const key = await loadKeyFile(file);
    t.truthy(key.priv);
    // the fingerprint is the one ssh-keygen -l prints
    const listed = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' });
    t.true(listed.includes(fingerprint(key.pk.blob)));

    const ours = await sshsigSign(key.pk, message, NS, async (d) => signRaw(key.pk, key.priv!, d));
    writeFileSync(join(dir, `${name}.ours.sig`), ours);
    const allowed = allowedSigners(`${name}@test`, `${file}.pub`);
    const out = execFileSync(
      'ssh-keygen',
      ['-Y', 'verify', '-f', allowed, '-I', `${name}@test`, '-n', NS, '-s', join(dir, `${name}.ours.sig`)],
      { input: message, encoding: 'utf8' },
    );
    t.regex(out, /Good "pveaudit-report" signature/);

    writeFileSync(join(dir, `${name}.msg`), message);
    execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', file, '-n', NS, join(dir, `${name}.msg`)]);
    const theirs = parseSshSig(readFileSync(join(dir, `${name}.msg.sig`), 'utf8'));
    t.true(theirs.pk.blob.equals(key.pk.blob));
    t.true(sshsigVerify(theirs, message, NS));
    t.false(sshsigVerify(theirs, Buffer.concat([message, Buffer.from(' ')]), NS), 'another message');
    t.false(sshsigVerify(theirs, message, 'file'), 'another namespace');
  });
}

test('a changed byte in the signature is refused by both', async (t) => {
  const file = keygen('tamper', ['-t', 'ed25519']);
  const key = await loadKeyFile(file);
  const armored = await sshsigSign(key.pk, message, NS, async (d) => signRaw(key.pk, key.priv!, d));
  const sig = parseSshSig(armored);
  sig.signature[sig.signature.length - 5]! ^= 0x01;
  t.false(sshsigVerify(sig, message, NS));
});

test('a passphrase key signs through ssh-agent, and ssh-keygen verifies the result', async (t) => {
  const file = keygen('agent', ['-t', 'ed25519'], 'secret words');
  const key = await loadKeyFile(file);
  t.is(key.priv, null);
  t.is(key.why, 'the key is protected by a passphrase');
  const sock = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  t.teardown(() => agent.kill());
  for (let i = 0; i < 50; i++) {
    try {
      await agentIdentities(sock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  // ssh-add reads the passphrase from SSH_ASKPASS when forced
  const askpass = join(dir, 'askpass.sh');
  writeFileSync(askpass, '#!/bin/sh\necho "secret words"\n', { mode: 0o700 });
  execFileSync('ssh-add', [file], {
    env: { ...process.env, SSH_AUTH_SOCK: sock, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
    stdio: 'ignore',
  });
  const held = await agentIdentities(sock);
  t.true(held.some((b) => b.equals(key.pk.blob)));
  const { agentSign } = await import('../../src/sign/agent.js');
  const armored = await sshsigSign(key.pk, message, NS, (d) => agentSign(sock, key.pk.blob, d));
  writeFileSync(join(dir, 'agent.ours.sig'), armored);
  const out = execFileSync(
    'ssh-keygen',
    [
      '-Y',
      'verify',
      '-f',
      allowedSigners('agent@test', `${file}.pub`),
      '-I',
      'agent@test',
      '-n',
      NS,
      '-s',
      join(dir, 'agent.ours.sig'),
    ],
    { input: message, encoding: 'utf8' },
  );
  t.regex(out, /Good/);
});
