import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import { PveauditError } from '../../src/lib/errors.js';
import { startSshd, type TestSshd } from '../collect/helpers/sshd.js';

// `pveaudit run` against a plain OpenSSH sshd on 127.0.0.1 (not a Proxmox node), and against a TCP
// listener that counts connections, to prove bad input stops the run before any connection.

let sshd: TestSshd;
let counter: Server;
let connections = 0;
test.before(async () => {
  sshd = await startSshd();
  counter = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
});
test.after.always(() => {
  sshd?.stop();
  counter?.close();
});

function files(opts: { port?: number; key?: string; audit?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pveaudit-run-'));
  const port = opts.port ?? sshd.port;
  writeFileSync(
    join(dir, 'inventory.yml'),
    `all:\n  children:\n    proxmox:\n      hosts:\n        node1:\n          ansible_host: 127.0.0.1\n          ansible_port: ${port}\n          ansible_user: root\n          ansible_ssh_private_key_file: ${opts.key ?? sshd.clientKey}\n`,
  );
  writeFileSync(join(dir, 'audit.yml'), opts.audit ?? 'guests: [102]\n');
  return {
    dir,
    opts: {
      inventory: join(dir, 'inventory.yml'),
      audit: join(dir, 'audit.yml'),
      knownHosts: sshd.knownHosts,
      out: join(dir, 'reports'),
      format: 'json',
    },
  };
}

const counterPort = () => (counter.address() as { port: number }).port;

const injections: [string, string, string][] = [
  ['a vmid like "102; reboot"', 'guests: ["102; reboot"]\n', 'guests.0'],
  [
    'a URL with $(...)',
    'probes:\n  - name: p\n    from: ct102\n    url: "https://portainer.example/$(reboot)"\n',
    'probes.0.url',
  ],
  ['a bridge with a space', 'capture:\n  bridge: "vmbr0 x"\n  hosts: [10.0.0.12]\n', 'capture.bridge'],
];

for (const [what, audit, field] of injections) {
  test.serial(`${what} stops the run before any connection, naming file and field`, async (t) => {
    const before = connections;
    const { opts } = files({ port: counterPort(), audit });
    const err = await t.throwsAsync(runCommand(opts, bufferIo()), { instanceOf: PveauditError });
    t.is((err as PveauditError).code, 'E_INPUT');
    t.is((err as PveauditError).location, `${opts.audit}: ${field}`);
    t.is(connections, before);
  });
}

test.serial('--dry-run prints the plan and connects to nothing', async (t) => {
  const before = connections;
  const { opts } = files({ port: counterPort() });
  const io = bufferIo();
  t.is(await runCommand({ ...opts, dryRun: true }, io), 0);
  t.is(connections, before);
  t.is(io.stdout[0], `# node1: root@127.0.0.1:${counterPort()} (dry run: nothing was run)`);
  t.true(io.stdout.includes('timeout --kill-after=5 10 hostname'));
  t.true(io.stdout.includes('timeout --kill-after=5 20 pct config 102    # if 102 is in pct list'));
});

test('a non-Proxmox host: one E_NOT_PROXMOX line, exit 2, and an incomplete report is still written', async (t) => {
  const { opts } = files();
  const io = bufferIo();
  t.is(await runCommand(opts, io), 2);
  t.deepEqual(
    io.stderr.filter((l) => l.startsWith('pveaudit:')),
    ['pveaudit: E_NOT_PROXMOX: node1: pct: command not found: this host does not look like a Proxmox node'],
  );
  const report = JSON.parse(readFileSync(join(opts.out, 'node1/latest/report.json'), 'utf8'));
  t.is(report.status, 'incomplete');
  // Read from pct list's exit code (a typed fact), not from the message above.
  t.deepEqual(
    report.answers.map((a: { reason: { code: string } }) => a.reason.code),
    ['not-proxmox', 'not-proxmox', 'not-proxmox'],
  );
  const manifest = JSON.parse(readFileSync(join(opts.out, 'node1/latest/manifest.json'), 'utf8'));
  t.regex(manifest.host.hostKeyFingerprint, /^SHA256:/);
  t.true(io.stdout[0]?.startsWith('node1: incomplete (E_NOT_PROXMOX'));
});

const failures: [string, () => ReturnType<typeof files>['opts'], RegExp][] = [
  ['a wrong key', () => files({ key: sshd.wrongKey }).opts, /^pveaudit: E_AUTH: node1: authentication failed/],
  [
    'an unknown host key',
    () => ({ ...files().opts, knownHosts: join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts') }),
    /^pveaudit: E_HOST_KEY: node1: unknown host key for \[127\.0\.0\.1\]:\d+: ED25519 key SHA256:\S+; .*--accept-new-host-keys/,
  ],
  [
    'a changed host key',
    () => {
      const o = files().opts;
      const kh = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
      writeFileSync(
        kh,
        `[127.0.0.1]:${sshd.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE9nGiEbNbNEyXsqYgnk1Ua1V1N3yb4rOfz3WC5rZ1Fc\n`,
      );
      return { ...o, knownHosts: kh };
    },
    /^pveaudit: E_HOST_KEY: node1: REMOTE HOST IDENTIFICATION HAS CHANGED/,
  ],
  [
    'an unreachable port',
    () => files({ port: 1 }).opts,
    /^pveaudit: E_CONNECTION: node1: connection refused by 127\.0\.0\.1:1$/,
  ],
];

for (const [what, make, line] of failures) {
  test(`${what}: one clear error line, exit 2, no report`, async (t) => {
    const opts = make();
    const io = bufferIo();
    t.is(await runCommand(opts, io), 2);
    const errors = io.stderr.filter((l) => l.startsWith('pveaudit:'));
    t.is(errors.length, 1);
    t.regex(errors[0] as string, line);
    t.false(errors[0]?.includes('\n'));
    t.regex(io.stdout[0] as string, /^node1: failed: E_/);
    t.false(existsSync(join(opts.out, 'node1')));
  });
}

test('bad options are usage errors', async (t) => {
  const { opts } = files();
  await t.throwsAsync(runCommand({ ...opts, forks: 0 }, bufferIo()), { message: /--forks/ });
  await t.throwsAsync(runCommand({ ...opts, failOn: 'severe' }, bufferIo()), { message: /--fail-on/ });
  await t.throwsAsync(runCommand({ ...opts, limit: 'nope' }, bufferIo()), { message: /"nope" is neither/ });
});

test.serial('a missing Chromium stops a PDF run before the first connection', async (t) => {
  const { opts } = files({ port: counterPort() });
  const before = connections;
  const saved = process.env.PVEAUDIT_CHROMIUM;
  process.env.PVEAUDIT_CHROMIUM = '/nonexistent/chromium';
  try {
    const err = await t.throwsAsync(runCommand({ ...opts, format: 'json,pdf' }, bufferIo()), {
      instanceOf: PveauditError,
    });
    t.is((err as PveauditError).code, 'E_BROWSER');
    t.regex(err!.message, /apt-get install -y chromium/);
  } finally {
    if (saved === undefined) delete process.env.PVEAUDIT_CHROMIUM;
    else process.env.PVEAUDIT_CHROMIUM = saved;
  }
  t.is(connections, before, 'no connection was made');
  t.false(existsSync(opts.out), 'no report directory was started');
});

test.serial('an output directory that cannot be created stops the host before any connection', async (t) => {
  const { opts, dir } = files({ port: counterPort() });
  const blocker = join(dir, 'not-a-dir');
  writeFileSync(blocker, 'a file where the reports directory should be');
  const before = connections;
  const io = bufferIo();
  t.is(await runCommand({ ...opts, out: blocker }, io), 2);
  t.regex(io.stderr.join('\n'), /ENOTDIR|not a directory/i);
  t.is(connections, before, 'no connection was opened');
});
