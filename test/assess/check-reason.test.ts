import test from 'ava';
import { checkReason } from '../../src/assess/check-reason.js';
import type { Check } from '../../src/assess/define.js';
import { CHECKS } from '../../src/checks/index.js';

const check = (id: string): Check => {
  const c = CHECKS.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};

// Found with the lab's disabled scenario: the finding said line "8" where rootCause says line 8.
test('a line from the remediation template becomes a number, as in every other reason', (t) => {
  const r = checkReason(check('rules_intended_disabled'), {
    outcome: 'fail',
    subject: 'firewall/1001.fw',
    detail: 'firewall/1001.fw line 8 is disabled',
    vars: { line: '8', file: 'firewall/1001.fw' },
    rule: 'IN ACCEPT -source 10.0.0.12 -p tcp -dport 443',
  });
  t.like(r, { code: 'rule-disabled', line: 8, file: 'firewall/1001.fw', vmid: 1001 });
});

test('other template values stay as written', (t) => {
  const r = checkReason(check('rules_intended_disabled'), {
    outcome: 'fail',
    subject: 'firewall/1001.fw',
    detail: 'x',
    vars: { line: 'eight', file: 'firewall/1001.fw' },
  });
  t.like(r, { line: 'eight' });
});
