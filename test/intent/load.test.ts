import { join } from 'node:path';
import test from 'ava';
import { loadIntent, loadPhoenix } from '../../src/intent/load.js';
import { InputError } from '../../src/lib/errors.js';
import { FIXTURES } from '../checks/helpers.js';

test('a native YAML intent loads and validates', async (t) => {
  const loaded = await loadIntent(join(FIXTURES, 'intent/base.yml'));
  t.is(loaded.source, 'native');
  t.is(loaded.intent.guests?.[1]?.firewall?.policy_in, 'DROP');
  t.deepEqual(loaded.intent.flows?.[0], {
    name: 'traefik-to-portainer',
    from: 'ct102',
    to: 'vm1001',
    proto: 'tcp',
    dport: 443,
    expect: 'ACCEPT',
  });
});

test('a bad value names the file and the field path', async (t) => {
  const file = join(FIXTURES, 'intent/bad-policy.yml');
  const err = await t.throwsAsync(loadIntent(file), { instanceOf: InputError });
  t.is(err?.file, file);
  t.is(err?.field, 'guests.0.firewall.policy_in');
  t.is(err?.message, 'expected ACCEPT, DROP or REJECT');
  t.is(err?.location, `${file}: guests.0.firewall.policy_in`);
});

test('a missing file and broken syntax are input errors', async (t) => {
  await t.throwsAsync(loadIntent(join(FIXTURES, 'intent/nope.yml')), {
    instanceOf: InputError,
    message: 'file not found',
  });
  const err = await t.throwsAsync(loadPhoenix(join(FIXTURES, 'intent')), { instanceOf: InputError });
  t.regex(err?.file ?? '', /phoenix_hypervisor_config\.json$/);
});

test('the Phoenix seed loads from its directory', async (t) => {
  const loaded = await loadPhoenix(join(FIXTURES, 'phoenix/seed'));
  t.is(loaded.source, 'phoenix');
  t.is(loaded.phoenix?.generatedRules.length, 8);
});
