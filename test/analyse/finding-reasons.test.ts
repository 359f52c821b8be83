import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { analyse } from '../../src/analyse/index.js';
import { sentence } from '../../src/phrase/index.js';
import type { ReasonCode } from '../../src/schema/reason.js';
import { baseIntent, FIXTURES, factsFrom, trapTree } from '../checks/helpers.js';

// Every finding says what was wrong as specifically as the evidence allows: its reason carries
// the params README "Reason codes" lists for its code (file, line, NIC, ipset, chain, ...), and
// its phrase has every value it names (no "?").

const NEEDS: Partial<Record<ReasonCode, string[]>> = {
  'cluster-disabled': ['file', 'line'],
  'cluster-fw-missing': ['file'],
  'guest-no-fwfile': ['vmid', 'file'],
  'guest-disabled': ['vmid', 'file', 'line'],
  'nic-unfiltered': ['vmid', 'nic', 'file', 'dev'],
  'group-undefined': ['file', 'line', 'text', 'group'],
  'option-ignored': ['file', 'line', 'text', 'error'],
  'nft-parse-error': ['file', 'line', 'error'],
  'rule-missing': ['file', 'text'],
  'rule-unexpected': ['file', 'line', 'text'],
  'rule-disabled': ['file', 'line', 'text'],
  'rule-skipped': ['file', 'line', 'error'],
  'rule-wrong-file': ['file', 'line', 'text', 'vmid'],
  'policy-mismatch': ['file', 'key', 'expected', 'actual'],
  'guest-elsewhere': ['vmid'],
  'flow-not-as-intended': ['flow', 'expected', 'action'],
  'observation-disagrees': ['flow', 'action', 'observed'],
  'firewall-not-running': ['state'],
  'chains-missing': ['chain'],
};

const META = { startedAt: 'a', finishedAt: 'b', evidence: [], reportId: 'r', evidenceDigest: 'd', incompleteSteps: [] };
const TRAPS = readdirSync(join(FIXTURES, 'facts')).filter((d) => d !== 'base');

test('each trap: every failed finding has a specific reason with the params of its code', (t) => {
  const codes = new Set<string>();
  for (const trap of TRAPS) {
    const files = trapTree(trap);
    const r = analyse(factsFrom(files), baseIntent(), { ...META, files });
    for (const f of r.findings.filter((x) => x.outcome === 'fail')) {
      const why = f.reason;
      const at = `${trap}: ${f.checkId} ${f.subject}`;
      if (!why) {
        t.fail(`${at}: no reason`);
        continue;
      }
      codes.add(why.code);
      t.not(why.code, 'evidence-missing', at);
      for (const p of NEEDS[why.code] ?? []) t.not(why[p], undefined, `${at}: ${why.code} lacks ${p}`);
      if ('line' in why) t.true(why.line === null || typeof why.line === 'number', `${at}: line is a number`);
      t.notRegex(sentence(why), /\?/, `${at}: ${sentence(why)}`);
    }
  }
  // The traps reach most of the checks' codes; a code the table lists but no trap reaches is untested here.
  t.true(codes.size >= 12, [...codes].join(', '));
});
