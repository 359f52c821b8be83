import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

// The sign-off workflow as a reviewer does it: sign a report with an ed25519 key, verify with an
// allowed_signers file, and see verify fail on a changed byte, an unknown signer or an edited role.

const tmp = mkdtempSync(join(tmpdir(), 'pa-sign-'));
const run = async (...argv: string[]) => {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};

async function report(name: string): Promise<string> {
  const out = join(tmp, name);
  const r = await run('demo', '--out', out, '--format', 'json,md');
  if (r.code !== 0) throw new Error(r.err);
  return join(out, 'pve1', readlinkSync(join(out, 'pve1', 'latest')));
}

function key(name: string): string {
  const file = join(tmp, name);
  execFileSync('ssh-keygen', ['-t', 'ed25519', '-q', '-N', '', '-C', name, '-f', file]);
  return file;
}

function allowed(lines: string[]): string {
  const file = join(tmp, `allowed-${lines.length}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `# reviewers\n${lines.join('\n')}\n`);
  return file;
}
const line = (principal: string, keyFile: string) => `${principal} ${readFileSync(`${keyFile}.pub`, 'utf8').trim()}`;

test('sign as reviewer, verify with allowed_signers, ssh-keygen agrees; a changed byte fails', async (t) => {
  const dir = await report('a');
  const k = key('alice');
  const signed = await run('sign', dir, '--key', k, '--name', 'alice@example.com', '--role', 'reviewed');
  t.is(signed.code, 0, signed.err);
  const files = readdirSync(join(dir, 'signatures')).sort();
  t.is(files.length, 2);
  const sig = files.find((f) => f.endsWith('.sig'))!;
  t.regex(sig, /^\d{8}T\d{6}Z-reviewed-alice@example\.com\.sig$/);

  const signers = allowed([line('alice@example.com', k)]);
  const ok = await run('verify', dir, '--allowed-signers', signers);
  t.is(ok.code, 0, ok.out);
  const fp = execFileSync('ssh-keygen', ['-l', '-f', `${k}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  t.regex(
    ok.out,
    new RegExp(
      `good\\s+reviewed\\s+alice@example\\.com\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\s+${fp.replace(/[+/]/g, '\\$&')}`,
    ),
  );

  // OpenSSH alone checks the same signature over manifest.json
  const openssh = execFileSync(
    'ssh-keygen',
    [
      '-Y',
      'verify',
      '-f',
      signers,
      '-I',
      'alice@example.com',
      '-n',
      'pveaudit-report',
      '-s',
      join(dir, 'signatures', sig),
    ],
    { input: readFileSync(join(dir, 'manifest.json')), encoding: 'utf8' },
  );
  t.regex(openssh, /Good "pveaudit-report" signature for alice@example\.com/);

  // one byte of the signature blob changed
  const path = join(dir, 'signatures', sig);
  const armored = readFileSync(path, 'utf8').split('\n');
  const body = Buffer.from(armored.slice(1, -2).join(''), 'base64');
  body[body.length - 3]! ^= 0x01;
  const b64 = body.toString('base64').match(/.{1,70}/g)!;
  writeFileSync(path, [armored[0], ...b64, armored.at(-2), ''].join('\n'));
  const bad = await run('verify', dir, '--allowed-signers', signers);
  t.is(bad.code, 1);
  t.regex(bad.out, /^BAD\s+reviewed\s+alice@example\.com/m);
});

test('an unknown signer, an edited role and a changed report each fail verify', async (t) => {
  const dir = await report('b');
  const k = key('bob');
  t.is((await run('sign', dir, '--key', k, '--name', 'bob@example.com', '--role', 'approved')).code, 0);

  const stranger = await run('verify', dir, '--allowed-signers', allowed([line('carol@example.com', key('carol'))]));
  t.is(stranger.code, 1);
  t.regex(stranger.out, /^UNKNOWN\s+approved\s+bob@example\.com/m);
  // the key is allowed, but under another name
  const renamed = await run('verify', dir, '--allowed-signers', allowed([line('robert@example.com', k)]));
  t.is(renamed.code, 1);
  // allowed only for another namespace
  const ns = await run(
    'verify',
    dir,
    '--allowed-signers',
    allowed([`bob@example.com namespaces="git" ${readFileSync(`${k}.pub`, 'utf8').trim()}`]),
  );
  t.is(ns.code, 1);
  // without --allowed-signers the signature is checked, the signer is not (and the output says so)
  const unchecked = await run('verify', dir);
  t.is(unchecked.code, 0);
  t.regex(unchecked.out, /signers not checked/);

  const record = readdirSync(join(dir, 'signatures')).find((f) => f.endsWith('.json'))!;
  const recPath = join(dir, 'signatures', record);
  const original = readFileSync(recPath, 'utf8');
  writeFileSync(recPath, original.replace('"approved"', '"prepared"'));
  const edited = await run('verify', dir, '--allowed-signers', allowed([line('bob@example.com', k)]));
  t.is(edited.code, 1);
  t.regex(edited.out, /altered/);
  writeFileSync(recPath, original);

  const manifest = join(dir, 'manifest.json');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"pve1"', '"pve2"'));
  const changed = await run('verify', dir, '--allowed-signers', allowed([line('bob@example.com', k)]));
  t.is(changed.code, 1);
  t.regex(changed.out, /does not match manifest\.json/);
});

test('a signature made by ssh-keygen -Y sign is accepted, named by allowed_signers; the sheet lists it', async (t) => {
  const dir = await report('c');
  const k = key('dave');
  execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', k, '-n', 'pveaudit-report', join(dir, 'manifest.json')]);
  execFileSync('mkdir', ['-p', join(dir, 'signatures')]);
  execFileSync('mv', [join(dir, 'manifest.json.sig'), join(dir, 'signatures', 'dave.sig')]);
  const signers = allowed([line('dave@example.com', k)]);
  const r = await run('verify', dir, '--allowed-signers', signers, '--sheet');
  t.is(r.code, 0, r.out + r.err);
  t.regex(r.out, /^good\s+-\s+dave@example\.com/m);
  const pdf = execFileSync('pdftotext', ['-layout', join(dir, 'signatures', 'signoff.pdf'), '-'], { encoding: 'utf8' });
  t.regex(pdf, /dave@example\.com/);
  t.regex(pdf, /GOOD/);
  t.regex(pdf, /Evidence digest/);
  t.is(
    execFileSync('pdfinfo', [join(dir, 'signatures', 'signoff.pdf')], { encoding: 'utf8' }).match(
      /Pages:\s+(\d+)/,
    )?.[1],
    '1',
  );
  // the sheet is not a manifest-covered file: the report still verifies
  t.is((await run('verify', dir)).code, 0);
});

test('sign refuses a report that differs from its manifest, and a passphrase key without an agent', async (t) => {
  const dir = await report('d');
  const k = join(tmp, 'locked');
  execFileSync('ssh-keygen', ['-t', 'ed25519', '-q', '-N', 'pw', '-f', k]);
  const noAgent = await (async () => {
    const io = bufferIo();
    const { signCommand } = await import('../../src/cli/commands/sign.js');
    return signCommand({ dir, key: k }, io, {}).catch((e: Error) => e);
  })();
  t.regex(String(noAgent), /passphrase.*SSH_AUTH_SOCK/);
  writeFileSync(join(dir, 'report.md'), 'changed\n');
  const r = await run('sign', dir, '--key', key('erin'));
  t.is(r.code, 2);
  t.regex(r.err, /differs from its manifest/);
});

test('a passphrase key held by ssh-agent signs (given as the key file or its .pub); ssh-keygen verifies', async (t) => {
  const dir = await report('e');
  const k = join(tmp, 'agentkey');
  execFileSync('ssh-keygen', ['-t', 'ecdsa', '-q', '-N', 'secret words', '-C', 'frank', '-f', k]);
  const sock = join(tmp, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  t.teardown(() => agent.kill());
  const askpass = join(tmp, 'askpass.sh');
  writeFileSync(askpass, '#!/bin/sh\necho "secret words"\n', { mode: 0o700 });
  const env = {
    ...process.env,
    SSH_AUTH_SOCK: sock,
    SSH_ASKPASS: askpass,
    SSH_ASKPASS_REQUIRE: 'force',
    DISPLAY: ':0',
  };
  for (let i = 0; ; i++) {
    try {
      execFileSync('ssh-add', [k], { env, stdio: 'ignore' });
      break;
    } catch (err) {
      if (i > 40) throw err;
      await new Promise((r) => setTimeout(r, 50)); // the agent socket is not there yet
    }
  }
  const { signCommand } = await import('../../src/cli/commands/sign.js');
  const io = bufferIo();
  t.is(await signCommand({ dir, key: k, name: 'frank@example.com', role: 'approved' }, io, env), 0);
  t.is(await signCommand({ dir, key: `${k}.pub`, name: 'frank@example.com', role: 'prepared' }, bufferIo(), env), 0);
  const signers = allowed([line('frank@example.com', k)]);
  const r = await run('verify', dir, '--allowed-signers', signers);
  t.is(r.code, 0, r.out);
  t.is(r.out.match(/^good /gm)?.length, 2);
  for (const sig of readdirSync(join(dir, 'signatures')).filter((f) => f.endsWith('.sig'))) {
    const out = execFileSync(
      'ssh-keygen',
      [
        '-Y',
        'verify',
        '-f',
        signers,
        '-I',
        'frank@example.com',
        '-n',
        'pveaudit-report',
        '-s',
        join(dir, 'signatures', sig),
      ],
      { input: readFileSync(join(dir, 'manifest.json')), encoding: 'utf8' },
    );
    t.regex(out, /Good/);
  }
  // a key the agent does not hold: the message says so, with its fingerprint
  const other = key('grace');
  const missing = await signCommand({ dir, key: `${other}.pub` }, bufferIo(), env).catch((e: Error) => e);
  t.regex(String(missing), /ssh-agent does not hold SHA256:/);
});
