import { join } from 'node:path';
import test from 'ava';
import { parse as parseYaml } from 'yaml';
import { analyse } from '../../src/analyse/index.js';
import { buildBaseline } from '../../src/intent/baseline.js';
import { AuditFileSchema } from '../../src/schema/audit.js';
import { IntentSchema } from '../../src/schema/intent.js';
import { FIXTURES, factsFrom, nativeIntent, readTree } from '../checks/helpers.js';

// init's files: valid audit and intent files, flows from rules that name two guests, and a node
// compared with its own baseline shows no drift.
const META = { startedAt: 'a', finishedAt: 'b', evidence: [], reportId: 'r', evidenceDigest: 'd', incompleteSteps: [] };
const files = readTree(join(FIXTURES, 'facts/base'));
const facts = factsFrom(files);
const opts = { host: 'pve1', inventory: 'hosts', at: '2026-12-03T08:00:00Z', intentFile: 'intent.yml' };

test('the audit and intent files init writes pass their own schemas', (t) => {
  const b = buildBaseline(facts, opts);
  const audit = AuditFileSchema.parse(parseYaml(b.audit));
  const intent = IntentSchema.parse(parseYaml(b.intent));
  t.deepEqual(audit.guests, [102, 1001]);
  t.is(audit.intent, 'intent.yml');
  t.deepEqual(
    audit.probes.map((p) => [p.name, p.from, p.url, p.expect]),
    [['ct102-to-vm1001-tcp-443', 'ct102', 'https://10.0.0.101:443/', 'reachable']],
  );
  t.deepEqual(audit.capture?.hosts, ['10.0.0.12', '10.0.0.101']);
  t.is(intent.cluster?.policy_in, 'DROP');
  t.deepEqual(intent.cluster?.rules, ['IN ACCEPT -p tcp -source 10.0.0.0/24 -dport 8006 # Proxmox web UI']);
  const vm = intent.guests?.find((g) => g.vmid === 1001);
  t.like(vm, { type: 'qemu', firewall: { enable: true, policy_in: 'DROP' } });
  t.deepEqual(intent.flows, [
    { name: 'ct102-to-vm1001-tcp-443', from: 'ct102', to: 'vm1001', proto: 'tcp', dport: 443, expect: 'ACCEPT' },
  ]);
  t.regex(b.intent, /REVIEW/);
});

test('a node audited against its own baseline has no drift', (t) => {
  const intent = IntentSchema.parse(parseYaml(buildBaseline(facts, opts).intent));
  const report = analyse(facts, nativeIntent(intent), { ...META, files });
  const drift = report.findings.filter((f) =>
    ['rules_intended_missing', 'rules_live_unexpected', 'policy_value_mismatch', 'rules_intended_disabled'].includes(
      f.checkId,
    ),
  );
  t.deepEqual(
    drift.map((f) => f.checkId),
    [],
  );
});

test('without rules that name two guests there are no probes and no capture, and the files still parse', (t) => {
  const bare = factsFrom({ ...files, 'firewall/1001.fw': '[OPTIONS]\nenable: 1\n' });
  const b = buildBaseline(bare, opts);
  const audit = AuditFileSchema.parse(parseYaml(b.audit));
  t.deepEqual(audit.probes, []);
  t.is(audit.capture, undefined);
  t.deepEqual(IntentSchema.parse(parseYaml(b.intent)).flows, []);
});
