import test from 'ava';
import { analyse } from '../../src/analyse/index.js';
import { parsePveTree } from '../../src/parse/pve-tree.js';
import type { Facts } from '../../src/schema/facts.js';
import { baseIntent, factsFrom, trapTree } from '../checks/helpers.js';

const META = { startedAt: 'a', finishedAt: 'b', evidence: [], reportId: 'r', evidenceDigest: 'd', incompleteSteps: [] };

test('a guest rule in cluster.fw is one finding, carrying both edits; its echoes are folded into it', (t) => {
  const files = trapTree('rules-in-cluster');
  const r = analyse(factsFrom(files), baseIntent(), { ...META, files });
  const about443 = r.findings.filter((f) =>
    /10\.0\.0\.12|traefik -> portainer|traefik-to-portainer/.test(f.detail ?? ''),
  );
  t.deepEqual(
    about443.map((f) => [f.checkId, f.subject, f.severity]),
    [['rules_guest_traffic_in_cluster', 'vm1001', 'high']],
  );
  const patch = about443[0]?.remediation.patch ?? '';
  t.regex(
    patch,
    /\+\+\+ b\/firewall\/1001\.fw[\s\S]*\+IN ACCEPT -source 10\.0\.0\.12 -p tcp -dport 443 # traefik -> portainer/,
  );
  t.regex(
    patch,
    /\+\+\+ b\/firewall\/cluster\.fw[\s\S]*-IN ACCEPT -p tcp -source 10\.0\.0\.12 -dest 10\.0\.0\.101 -dport 443/,
  );
  t.deepEqual(r.summary, { critical: 0, high: 1, medium: 0, low: 0, info: 0 });
  const loaded = r.answers.find((a) => a.question === 'rules-loaded');
  t.is(loaded?.answer, 'yes');
  t.regex(loaded?.because ?? '', /1 of its rules are meant for guests \(vm1001\)/);
});

test('the fold keeps a finding when what explains it did not fail', (t) => {
  // rule-missing: the intended 443 rule is nowhere, so the flow mismatch and the missing rule stand.
  const files = trapTree('rule-missing');
  const r = analyse(factsFrom(files), baseIntent(), { ...META, files });
  t.deepEqual(r.findings.map((f) => f.checkId).sort(), [
    'flow_simulated_mismatch',
    'rules_intended_missing',
    'rules_live_unexpected',
  ]);
});

// What a plain Linux host yields: no /etc/pve tree, Proxmox commands missing, the run stopped there.
function notProxmoxFacts(): Facts {
  const tree = parsePveTree(new Map(), { nodename: 'debian' });
  return {
    ...factsFrom({}),
    host: { name: 'pve', address: '198.18.0.2', node: 'debian', pveVersion: null },
    pve: tree.config,
    platform: { proxmox: 'no', step: 'pct-list', exitCode: 127 },
    status: null,
    localnet: null,
    ruleset: null,
    guestsRequested: [101, 102, 103, 1001],
    missing: [
      { step: 'pveversion', reason: "command not found: timeout: failed to run command 'pveversion'" },
      { step: 'pve-firewall-status', reason: "command not found: timeout: failed to run command 'pve-firewall'" },
      { step: 'pct-list', reason: 'pct: command not found: this host does not look like a Proxmox node' },
      { step: 'qm-list', reason: "command not found: timeout: failed to run command 'qm'" },
    ],
  };
}

test('not a Proxmox node: every answer is unknown and names pct-list, nothing is judged a failure', (t) => {
  const facts = notProxmoxFacts();
  const r = analyse(facts, baseIntent(), { ...META, incompleteSteps: facts.missing, files: {} });
  t.is(r.status, 'incomplete');
  for (const a of r.answers) {
    t.is(a.answer, 'unknown', a.question);
    t.deepEqual(a.reason, { code: 'not-proxmox', step: 'pct-list', exitCode: 127 }, a.question);
    t.regex(a.because, /does not look like a Proxmox node: pct-list exited 127/, a.question);
  }
  t.is(r.rootCause, null);
  t.false(r.findings.some((f) => f.outcome === 'fail'));
  // One could-not-tell finding per missing step, naming the checks it leaves open.
  t.deepEqual(
    r.findings.map((f) => [f.severity, f.remediation.summary.replace(/ \(.*/, '')]),
    [
      ['info', 'Could not tell: pct-list'],
      ['info', 'Could not tell: pve-firewall-status'],
    ],
  );
  t.is(r.findings[0]?.reason?.code, 'not-proxmox');
  t.regex(r.findings[0]?.detail ?? '', /leaves \d+ more check\(s\) undecided: .*rules_guest_traffic_in_cluster/);
  t.true(r.flows.every((f) => f.simulated === null && /the Proxmox configuration was not collected/.test(f.verdict)));
});

test('not Proxmox is the typed fact, not the wording of an error message', (t) => {
  // The same failed steps, but pct list was not missing (it timed out): could not collect, not "not Proxmox".
  const facts: Facts = {
    ...notProxmoxFacts(),
    platform: { proxmox: 'unknown', step: 'pct-list', exitCode: null },
  };
  const r = analyse(facts, baseIntent(), { ...META, incompleteSteps: facts.missing, files: {} });
  for (const a of r.answers) {
    t.is(a.answer, 'unknown', a.question);
    t.not(a.reason?.code, 'not-proxmox', a.question);
  }
  t.false(r.findings.some((f) => f.reason?.code === 'not-proxmox'));
  // And a message that never says so still gives not-proxmox when pct list exited 127.
  const plain: Facts = {
    ...notProxmoxFacts(),
    missing: notProxmoxFacts().missing.map((m) => (m.step === 'pct-list' ? { ...m, reason: 'exit 127' } : m)),
  };
  const r2 = analyse(plain, baseIntent(), { ...META, incompleteSteps: plain.missing, files: {} });
  t.true(r2.answers.every((a) => a.reason?.code === 'not-proxmox'));
});
