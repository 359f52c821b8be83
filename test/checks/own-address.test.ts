import test from 'ava';
import rulesIntendedMissing from '../../src/checks/rules/rules_intended_missing.js';
import rulesLiveUnexpected from '../../src/checks/rules/rules_live_unexpected.js';
import { baseIntent, ctxFor } from './helpers.js';

// Phoenix writes "-dest 10.0.0.101" into the rules meant for VM 1001; inside 1001.fw that address is
// implied, so "IN ACCEPT -source 10.0.0.12 -p tcp -dport 443" there is the same rule.
function intentSpellingOwnAddress() {
  const loaded = baseIntent();
  const vm = loaded.intent.guests?.find((g) => g.vmid === 1001);
  if (vm?.firewall) vm.firewall.rules = ['IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.101 -dport 443'];
  return loaded;
}

test("a guest's rule is the intended one whether or not it spells out the guest's own address", (t) => {
  const ctx = ctxFor(null, { intent: intentSpellingOwnAddress() });
  const at1001 = (rs: { subject: string; outcome: string }[]) => rs.filter((r) => r.subject.includes('1001'));
  t.deepEqual(
    at1001(rulesLiveUnexpected.evaluate(ctx)).map((r) => r.outcome),
    ['pass'],
  );
  t.false(at1001(rulesIntendedMissing.evaluate(ctx)).some((r) => r.outcome === 'fail'));
});

test('another destination is still a different rule', (t) => {
  const loaded = baseIntent();
  const vm = loaded.intent.guests?.find((g) => g.vmid === 1001);
  if (vm?.firewall) vm.firewall.rules = ['IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.102 -dport 443'];
  const results = rulesLiveUnexpected.evaluate(ctxFor(null, { intent: loaded }));
  t.true(results.some((r) => r.outcome === 'fail' && r.subject.includes('1001')));
});
