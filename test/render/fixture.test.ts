import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import test from 'ava';
import { type Fixture, fixtureDir, loadReport } from './fixture.js';

// The fixtures are lab runs (scripts/fixtures/regen-reports.sh); these tests say what each one is,
// so a regeneration that no longer shows its situation fails here first.
const NAMES: Fixture[] = ['seed', 'fixed', 'nocapture'];

for (const name of NAMES) {
  test(`${name}/report.json validates against ReportSchema and comes from the lab node`, (t) => {
    const report = loadReport(name);
    t.is(report.schemaVersion, '1');
    t.is(report.host.name, 'pve');
    t.regex(report.host.address ?? '', /^198\.18\./);
  });

  test(`${name}: every evidence sha256 and byte count matches the fixture file`, (t) => {
    const report = loadReport(name);
    t.true(report.evidence.length > 10);
    for (const e of report.evidence) {
      const bytes = readFileSync(new URL(`evidence/${e.path}`, fixtureDir(name)));
      t.is(createHash('sha256').update(bytes).digest('hex'), e.sha256, e.path);
      t.is(e.bytes, bytes.length, e.path);
    }
  });
}

test('the seed fixture is the seed situation: unanswered SYNs about 1 s apart, curl exit 28, the 1001.fw fix', (t) => {
  const report = loadReport('seed');
  t.is(report.status, 'complete');
  const flow = report.flows.find((f) => f.id === report.rootCause?.flow || f.name === report.rootCause?.flow);
  t.is(flow?.to.ip, '10.0.0.101');
  t.is(flow?.observed?.capture?.verdict, 'unanswered');
  const times = flow?.observed?.capture?.packets?.map((p) => p.t) ?? [];
  t.true(times.length >= 2, 'SYN retries captured');
  t.true(times.every((x, i) => i === 0 || x > (times[i - 1] as number)));
  t.is(flow?.observed?.probe?.exitCode, 28);
  t.like(report.rootCause?.reason, { code: 'rule-wrong-file', file: 'firewall/cluster.fw', vmid: 1001 });
  const fix = report.findings.find((f) => f.remediation.file === 'firewall/1001.fw' && f.severity === 'high');
  t.true(fix?.remediation.patch?.includes('+IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.101 -dport 443'));
  t.true(
    fix?.remediation.verify?.some((v) => v.includes('pve-firewall simulate --from ct102 --to vm1001 --dport 443')),
  );
});

test('the fixed fixture is the seed after its first step: the probe gets through', (t) => {
  const report = loadReport('fixed');
  t.is(report.status, 'complete');
  const flow = report.flows.find((f) => f.name === 'traefik-to-portainer');
  t.is(flow?.observed?.probe?.phase, 'done');
  t.is(flow?.observed?.capture?.verdict, 'connected');
  t.is(report.answers.find((a) => a.question === 'packets-dropped')?.answer, 'no');
});

test('the incomplete variant says which steps are missing and why', (t) => {
  const report = loadReport('nocapture');
  t.is(report.status, 'incomplete');
  t.true(report.incompleteSteps.some((s) => s.step === 'capture-listening' && /vmbr9: No such device/.test(s.reason)));
  t.is(report.flows.find((f) => f.name === 'traefik-to-portainer')?.observed?.capture ?? null, null);
});
