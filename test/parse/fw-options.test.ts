import test from 'ava';
import { clusterEnableValue, OPTION_DEFAULTS, parseOptionLine } from '../../src/parse/fw-options.js';

test('cluster enable: 0/1, or a Unix time that counts while at most 60 s in the past', (t) => {
  const now = 1_800_000_000;
  t.false(clusterEnableValue('0', now));
  t.true(clusterEnableValue('1', now));
  t.true(clusterEnableValue(String(now - 60), now));
  t.false(clusterEnableValue(String(now - 61), now));
});

test('effective defaults: guest dhcp allowed, cluster off, policies, host nosmurfs on', (t) => {
  t.like(OPTION_DEFAULTS.cluster, {
    enable: '0',
    policy_in: 'DROP',
    policy_out: 'ACCEPT',
    policy_forward: 'ACCEPT',
    ebtables: '1',
  });
  t.like(OPTION_DEFAULTS.guest, {
    enable: '0',
    policy_in: 'DROP',
    policy_out: 'ACCEPT',
    dhcp: '1',
    macfilter: '1',
    ipfilter: '0',
    ndp: '1',
    radv: '0',
  });
  t.like(OPTION_DEFAULTS.host, { enable: '1', nosmurfs: '1', tcpflags: '0', nftables: '0' });
});

test('an option line never takes a comment; keys are case-insensitive', (t) => {
  t.regex((parseOptionLine('enable: 1 # on', 'guest') as { error: string }).error, /trailing comment/);
  t.deepEqual(parseOptionLine('Policy_In: reject', 'guest'), { key: 'policy_in', value: 'REJECT' });
  t.deepEqual(parseOptionLine('enable:1', 'cluster'), { key: 'enable', value: '1' });
  t.true('error' in parseOptionLine('policy_forward: REJECT', 'cluster'));
});
