import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { PveauditError } from '../../src/lib/errors.js';
import { loadAuditFile } from '../../src/plan/audit-file.js';

const fixture = fileURLToPath(new URL('../fixtures/plan/audit.yml', import.meta.url));

test('the audit file loads with defaults, and relative paths resolve against its directory', async (t) => {
  const { audit } = await loadAuditFile(fixture);
  t.deepEqual(audit.guests, [101, 102, 103, 1001]);
  t.is(audit.probes[1]?.connectTimeout, 5);
  t.is(audit.probes[1]?.expect, 'reachable');
  t.is(audit.intent, fileURLToPath(new URL('../fixtures/plan/intent.yml', import.meta.url)));
});

async function rejected(yaml: string): Promise<PveauditError> {
  const dir = mkdtempSync(join(tmpdir(), 'pveaudit-audit-'));
  const path = join(dir, 'audit.yml');
  writeFileSync(path, yaml);
  const err = await loadAuditFile(path).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof PveauditError)) throw new Error('expected the audit file to be rejected');
  return err;
}

const injections: [string, string, string][] = [
  ['a vmid with a command', 'guests: ["102; reboot"]\n', 'guests.0'],
  [
    'a URL with $(...)',
    'probes:\n  - name: p\n    from: ct102\n    url: "https://x.example/$(reboot)"\n',
    'probes.0.url',
  ],
  ['a bridge with a space', 'capture:\n  bridge: "vmbr0 -w /etc/passwd"\n  hosts: [10.0.0.1]\n', 'capture.bridge'],
  [
    'a cacert with a quote',
    'probes:\n  - name: p\n    from: ct102\n    url: https://x.example\n    cacert: "/a\'b"\n',
    'probes.0.cacert',
  ],
  ['a probe from a shell', 'probes:\n  - name: p\n    from: "ct102;id"\n    url: https://x.example\n', 'probes.0.from'],
  [
    'a capture host that is not an IP',
    'capture:\n  bridge: vmbr0\n  hosts: ["10.0.0.1 or port 22"]\n',
    'capture.hosts.0',
  ],
  [
    'a resolve with a space',
    'probes:\n  - name: p\n    from: host\n    url: https://x.example\n    resolve: "x:443:1.2.3.4 -o /x"\n',
    'probes.0.resolve',
  ],
  [
    'a resolve port above 65535 (curl would refuse it and send nothing)',
    'probes:\n  - name: p\n    from: host\n    url: https://x.example\n    resolve: "x.example:99999:10.0.0.101"\n',
    'probes.0.resolve',
  ],
  [
    'a URL port above 65535',
    'probes:\n  - name: p\n    from: host\n    url: https://x.example:70000/\n',
    'probes.0.url',
  ],
];

for (const [what, yaml, field] of injections) {
  test(`${what} is rejected, naming file and field`, async (t) => {
    const err = await rejected(yaml);
    t.is(err.code, 'E_INPUT');
    t.is(err.field, field);
    t.true(err.location.endsWith(`audit.yml: ${field}`));
  });
}

test('a YAML syntax error names the line', async (t) => {
  const err = await rejected('guests: [101\nprobes: {\n');
  t.is(err.code, 'E_INPUT');
  t.true(typeof err.line === 'number');
});

test('two probes with the same name are rejected (their evidence would collide)', async (t) => {
  const err = await rejected(
    'probes:\n  - name: p\n    from: host\n    url: https://a.example\n  - name: p\n    from: host\n    url: https://b.example\n',
  );
  t.is(err.field, 'probes.1.name');
});
