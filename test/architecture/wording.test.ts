import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { sentencesIn } from './wording.js';

// Judgement is data; src/phrase is the one module that turns it into words (README "Reason
// codes"). The heuristic: a string literal of four or more English words in the modules that
// judge is a sentence written outside src/phrase. Not counted: a check's own metadata (its title,
// the problem it names, the remediation template: the check's expectation, shown as data), and
// runbook commands with their shell comments.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const JUDGING = ['assess', 'analyse', 'kernel', 'checks'];
// The kernel's short texts are diagnostics, not judgements: the match or target its walk does not
// model (kernel-unknown's `what`) and parse errors naming the line; a sentence is longer.
const MIN_WORDS: Record<string, number> = { kernel: 10 };

// Sentences still written in place, file by file: wording that has not moved to src/phrase yet.
// The table may only shrink (move a sentence into src/phrase, then lower its count here).
// Checks still word their own finding details (a sentence per outcome; the finding's reason is
// data beside it); the kernel's counter attribution still words its own note.
const NOT_YET_MOVED: Record<string, number> = {
  'src/kernel/counters.ts': 3,
  'src/checks/cluster/cluster_firewall_disabled.ts': 7,
  'src/checks/flow/flow_observation_disagrees.ts': 5,
  'src/checks/flow/flow_probe_fails_past_firewall.ts': 17,
  'src/checks/flow/flow_simulated_mismatch.ts': 5,
  'src/checks/group/group_reference_case_mismatch.ts': 5,
  'src/checks/guest/guest_firewall_disabled.ts': 4,
  'src/checks/guest/guest_fwfile_missing.ts': 4,
  'src/checks/guest/guest_nic_firewall_off.ts': 4,
  'src/checks/guest/guest_node_elsewhere.ts': 4,
  'src/checks/kernel/kernel_flow_live_differs.ts': 8,
  'src/checks/kernel/kernel_ruleset_drift.ts': 16,
  'src/checks/options/options_line_ignored.ts': 4,
  'src/checks/policy/policy_value_mismatch.ts': 3,
  'src/checks/rules/rules_guest_traffic_in_cluster.ts': 10,
  'src/checks/rules/rules_intended_disabled.ts': 4,
  'src/checks/rules/rules_intended_missing.ts': 6,
  'src/checks/rules/rules_live_unexpected.ts': 6,
  'src/checks/rules/rules_parse_error_nftables.ts': 5,
  'src/checks/rules/rules_skipped_by_proxmox.ts': 5,
  'src/checks/ruleset/ruleset_guest_chains_missing.ts': 3,
  'src/checks/service/service_changes_pending.ts': 2,
  'src/checks/service/service_firewall_not_running.ts': 2,
};

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

const found = () => {
  const counts: Record<string, number> = {};
  const listing: string[] = [];
  for (const m of JUDGING)
    for (const file of files(join(ROOT, 'src', m))) {
      const rel = relative(ROOT, file);
      const s = sentencesIn(file, MIN_WORDS[m] ?? 4);
      if (s.length > 0) counts[rel] = s.length;
      for (const x of s) listing.push(`${rel}:${x.line}: ${x.text.slice(0, 80)}`);
    }
  return { counts, listing };
};

test('judging modules write no sentences beyond the known, shrinking rest', (t) => {
  const { counts, listing } = found();
  const over = Object.entries(counts).filter(([f, n]) => n > (NOT_YET_MOVED[f] ?? 0));
  if (over.length > 0) t.log(listing.filter((l) => over.some(([f]) => l.startsWith(`${f}:`))).join('\n'));
  t.deepEqual(over, [], 'new judgement sentences outside src/phrase: give them a reason code or a phrase function');
  const shrunk = Object.entries(NOT_YET_MOVED).filter(([f, n]) => (counts[f] ?? 0) < n);
  t.deepEqual(shrunk, [], 'wording moved to src/phrase: lower the count in NOT_YET_MOVED');
});

test('the heuristic sees a sentence and lets metadata and commands pass', (t) => {
  const probe = join(ROOT, 'test/architecture/fixtures/wording-probe.ts.txt');
  const s = sentencesIn(probe).map((x) => x.text);
  t.deepEqual(s, ['the rule at  {}  drops it on the destination side']);
});
