import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { openBundleWriter, readBundle } from '../../src/bundle/index.js';
import { SAMPLE_DIR } from '../../src/cli/commands/demo.js';
import { ALL_FORMATS, analyseBundleDir, openPrinterIfNeeded, writeReports } from '../../src/cli/pipeline.js';
import { redactSecrets } from '../../src/lib/redact.js';

// Issue 11's seeded-secret corpus: secrets planted in the node files and outputs a run collects, in
// every form the campaign found missed, plus terminal escapes. The sample bundle is rebuilt with them
// the way a run keeps text (redacted before it is written), analysed and rendered in every format;
// no planted secret may appear in report.json, report.html, report.md, the PDF's text or evidence/,
// and no raw escape byte in report.md or report.html.

const b64 = (s: string) => Buffer.from(s).toString('base64');
const SECRETS = Array.from({ length: 18 }, (_, i) => `SEED${String(i + 1).padStart(2, '0')}x7Qk`);
const s = (n: number) => SECRETS[n - 1] as string;
const ESC = '\u001b[31m\u001b]0;pwned\u0007';

const PLANTED: Record<string, string> = {
  'pve/nodes/pve/lxc/102.conf': `lxc.environment: POSTGRES_PASSWORD=${s(1)}\n`,
  'commands/pct-config-102.out': `lxc.environment: DB_PASS=${s(2)}\n`,
  'pve/nodes/pve/qemu-server/1001.conf': `args: -fw_cfg name=opt/app,string=PASSWORD=${s(3)}\n`,
  'commands/qm-config-1001.out': `cipassword: $5$${s(4)}$hash\n`,
  'pve/nodes/pve/lxc/103.conf': `#db password%3A ${s(5)} ${ESC}\n`,
  'pve/nodes/pve/lxc/101.conf': `#POSTGRES_PASSWORD=${s(6)}\n`,
  'pve/firewall/cluster.fw': `# admin password: ${s(7)} ${ESC}\nIN ACCEPT -p tcp -dport 8443 # opened by ${ESC}\n`,
  'pve/firewall/102.fw': `# pass: ${s(8)}\n`,
  'pve/nodes/pve/host.fw': `#secret=${s(9)}\n`,
  'probes/traefik-to-portainer.curl.txt': [
    `> Authorization: Basic ${b64(`admin:${s(10)}`)}`,
    `< X-Debug: upstream sent Basic ${b64(`svc:${s(11)}`)} ${ESC}`,
    `< Set-Cookie: PVEAuthCookie=${s(12)}; Path=/`,
    `< Location: https://admin:${s(13)}@portainer.internal/`,
    `> GET /?token=${s(14)}&x=1 HTTP/1.1`,
    `< X-Forwarded-Authorization: Bearer ${s(15)}`,
    '',
  ].join('\n'),
  'commands/pveversion.out': `-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn${s(16)}NzaC1rZXkt\n-----END OPENSSH PRIVATE KEY-----\n`,
  'commands/pve-firewall-status.err': `api_key: "${s(17)}"\n`,
  'intent/phoenix/phoenix_vm_configs.json': '',
};

// The JSON intent gets a secret-named key inside its own structure (a run copies it redacted).
function plantJson(text: string): string {
  const json = JSON.parse(text) as Record<string, unknown>;
  json.db_password = s(18);
  return `${JSON.stringify(json, null, 2)}\n`;
}

const needles = [...SECRETS, b64(`admin:${s(10)}`), b64(`svc:${s(11)}`)];

test('no planted secret reaches any output format or the evidence', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'pveaudit-seeded-'));
  const sample = await readBundle(SAMPLE_DIR);
  const { manifest } = sample;
  const writer = await openBundleWriter({ reportsRoot: out, host: 'seeded', startedAt: new Date(manifest.startedAt) });
  const formats = ALL_FORMATS.filter((f) => f !== 'summary');
  const printer = await openPrinterIfNeeded(formats);
  let dir = '';
  try {
    for (const e of manifest.evidence) {
      const extra = PLANTED[e.path];
      if (extra === undefined) {
        await writer.addEvidenceFile(e.path, sample.absolute(e.path), e.step);
        continue;
      }
      const original = readFileSync(sample.absolute(e.path), 'utf8');
      const planted = e.path.endsWith('.json') ? plantJson(original) : `${original}${extra}`;
      // as collect/steps keepText and the run's intent copy do
      await writer.addEvidence(e.path, redactSecrets(planted).text, e.step);
    }
    const input = {
      host: { ...manifest.host, name: 'seeded' },
      startedAt: manifest.startedAt,
      finishedAt: manifest.finishedAt,
      source: manifest.source,
      plan: manifest.plan,
      steps: manifest.steps,
      redactions: manifest.redactions,
      audit: manifest.audit,
    };
    await writer.seal(input);
    const report = await analyseBundleDir(writer.dir);
    const outputs = await writeReports(writer.dir, report, formats, printer);
    await writer.finish(input, outputs);
    dir = join(out, 'seeded', readdirSync(join(out, 'seeded')).find((n) => !n.startsWith('.') && n !== 'latest') ?? '');
  } finally {
    await printer?.close();
  }

  const files = (d: string): string[] =>
    readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [join(d, n)]));
  const texts: [string, string][] = files(dir)
    .filter((f) => !f.endsWith('.pdf'))
    .map((f) => [f.slice(dir.length + 1), readFileSync(f, 'latin1')]);
  texts.push(['report.pdf (text)', execFileSync('pdftotext', [join(dir, 'report.pdf'), '-'], { encoding: 'utf8' })]);
  t.true(texts.some(([n]) => n === 'report.json') && texts.some(([n]) => n === 'report.html'));
  t.true(texts.some(([n]) => n === 'report.md') && texts.some(([n]) => n.startsWith('evidence/')));

  const leaks = texts.flatMap(([name, text]) => needles.filter((n) => text.includes(n)).map((n) => `${n} in ${name}`));
  t.deepEqual(leaks, []);
  for (const name of ['report.md', 'report.html']) {
    const text = texts.find(([n]) => n === name)?.[1] ?? '';
    t.false(/[\u001b\u0007]/.test(text), `no raw escape byte in ${name}`);
    t.true(text.includes('\\x1b[31m'), `${name} shows the planted escape as text`);
  }
  // the planted lines themselves made it into the evidence (redacted), so the test tested something
  const cluster = texts.find(([n]) => n === 'evidence/pve/firewall/cluster.fw')?.[1] ?? '';
  t.regex(cluster, /# admin password: \[REDACTED\]/);
});
