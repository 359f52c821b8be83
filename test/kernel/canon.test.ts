import test from 'ava';
import { canonicalRule } from '../../src/kernel/canon.js';

// pve-firewall writes an ipset match before the protocol; iptables-save prints the protocol first
// and names the implicit tcp match. Found with the lab's ipsetmiss scenario, where this showed as drift.
test('an ipset rule as pve-firewall writes it equals the iptables-save form', (t) => {
  t.is(
    canonicalRule('-m set --match-set PVEFW-1001-proxies-v4 src -p tcp --dport 443 -j ACCEPT'),
    canonicalRule('-p tcp -m set --match-set PVEFW-1001-proxies-v4 src -m tcp --dport 443 -j ACCEPT'),
  );
});

test('the set match stays part of the key: another set is another rule', (t) => {
  t.not(
    canonicalRule('-m set --match-set A src -p tcp --dport 443 -j ACCEPT'),
    canonicalRule('-m set --match-set B src -p tcp --dport 443 -j ACCEPT'),
  );
});
