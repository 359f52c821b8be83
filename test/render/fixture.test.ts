import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import test from 'ava';
import { ReportSchema } from '../../src/schema/report.js';

const DIR = new URL('../fixtures/report/', import.meta.url);
const raw = (name: string) => JSON.parse(readFileSync(new URL(`${name}.report.json`, DIR), 'utf8'));

for (const name of ['seed', 'seed-incomplete']) {
  test(`${name}.report.json validates against ReportSchema`, (t) => {
    const parsed = ReportSchema.parse(raw(name));
    t.is(parsed.schemaVersion, '1');
    t.is(parsed.host.name, 'pve1');
  });

  test(`${name}: every evidence sha256 and byte count matches the fixture file`, (t) => {
    const report = ReportSchema.parse(raw(name));
    for (const e of report.evidence) {
      const bytes = readFileSync(new URL(`evidence/${e.path}`, DIR));
      t.is(createHash('sha256').update(bytes).digest('hex'), e.sha256, e.path);
      t.is(e.bytes, bytes.length, e.path);
    }
  });
}

test('the seed fixture is the seed situation: 3 unanswered SYNs 1 s apart, curl exit 28, the 1001.fw fix', (t) => {
  const report = ReportSchema.parse(raw('seed'));
  const flow = report.flows.find((f) => f.id === report.rootCause?.flow);
  t.is(flow?.to.ip, '10.0.0.101');
  t.is(flow?.observed?.capture?.verdict, 'unanswered');
  t.deepEqual(
    flow?.observed?.capture?.packets?.map((p) => Math.round(p.t)),
    [0, 1, 2],
  );
  t.is(flow?.observed?.probe?.exitCode, 28);
  const fix = report.findings.find((f) => f.remediation.file === 'firewall/1001.fw' && f.severity === 'critical');
  t.true(fix?.remediation.patch?.includes('+IN ACCEPT -source 10.0.0.12 -p tcp -dport 443'));
  t.true(fix?.remediation.verify?.includes('pve-firewall simulate --from ct102 --to vm1001 --dport 443'));
});

test('the incomplete variant says which steps are missing and answers "unknown" where it cannot tell', (t) => {
  const report = ReportSchema.parse(raw('seed-incomplete'));
  t.is(report.status, 'incomplete');
  t.true(report.incompleteSteps.length > 0);
  t.is(report.answers.find((a) => a.question === 'packets-dropped')?.answer, 'unknown');
});
