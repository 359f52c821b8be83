import { readFileSync } from 'node:fs';
import test from 'ava';
import { phrase, sentence } from '../../src/phrase/index.js';
import { REASON_CODES, type Reason } from '../../src/schema/reason.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = README.slice(README.indexOf('## Reason codes'), README.indexOf('## Development'));

test('every reason code is documented in the README section "Reason codes"', (t) => {
  t.true(section.length > 0);
  const undocumented = REASON_CODES.filter((c) => !section.includes(`\`${c}\``));
  t.deepEqual(undocumented, []);
});

test('every code has a phrase, with and without params, that never prints undefined or [object', (t) => {
  for (const code of REASON_CODES) {
    const bare = phrase({ code } as Reason);
    const full = phrase({
      code,
      file: 'firewall/1001.fw',
      line: 4,
      text: 'IN ACCEPT -p tcp -dport 443',
      vmid: 1001,
      nic: 'net0',
      side: 'destination',
      action: 'DROP',
      key: 'policy_in',
      policy: 'DROP',
    });
    for (const s of [bare, full]) {
      t.true(s.length > 10, code);
      t.false(/undefined|\[object/.test(s), `${code}: ${s}`);
    }
  }
});

// Wording is the feature here: the phrase names the parameters the reason carries.
test('phrases name their parameters: the ipset, the address, the line, the NIC', (t) => {
  t.is(
    sentence({
      code: 'ipset-no-member',
      file: 'firewall/1001.fw',
      line: 7,
      text: 'IN ACCEPT -source +proxies -p tcp -dport 443',
      ipset: 'proxies',
      address: '10.0.0.12',
      role: 'source',
    }),
    'The rule meant to allow it, firewall/1001.fw line 7: IN ACCEPT -source +proxies -p tcp -dport 443, matches only sources in ipset proxies, and proxies does not contain 10.0.0.12.',
  );
  t.regex(
    phrase(
      { code: 'nic-unfiltered', vmid: 1001, nic: 'net0', file: 'nodes/pve/qemu-server/1001.conf' },
      { guest: (v) => `VM ${v}` },
    ),
    /^VM 1001's net0 has firewall=0 \(nodes\/pve\/qemu-server\/1001\.conf\)/,
  );
});
