import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { importPhoenix, phoenixRuleLine } from '../../src/intent/phoenix.js';
import { PhoenixHypervisorSchema, PhoenixLxcSchema, PhoenixVmSchema } from '../../src/intent/phoenix-schema.js';
import { FIXTURES } from '../checks/helpers.js';

const dir = join(FIXTURES, 'phoenix/seed');
const json = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
const seed = () =>
  importPhoenix({
    dir,
    hypervisor: PhoenixHypervisorSchema.parse(json('phoenix_hypervisor_config.json')),
    lxc: PhoenixLxcSchema.parse(json('phoenix_lxc_configs.json')),
    vm: PhoenixVmSchema.parse(json('phoenix_vm_configs.json')),
  });

test('a rule is written the way the generator writes it', (t) => {
  t.is(
    phoenixRuleLine({
      type: 'in',
      action: 'ACCEPT',
      proto: 'tcp',
      source: '10.0.0.12',
      dest: '10.0.0.101',
      port: 443,
      comment: 'traefik -> portainer',
    }),
    'IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.101 -dport 443 # traefik -> portainer',
  );
  t.is(phoenixRuleLine({ type: 'out', action: 'DROP' }), 'OUT DROP');
});

test('generated cluster.fw: options from the policies, then global, CT and VM rules in order', (t) => {
  const { phoenix } = seed();
  const lines = phoenix?.generatedClusterFw.split('\n') ?? [];
  t.deepEqual(lines.slice(0, 6), ['[OPTIONS]', 'enable: 1', 'policy_in: DROP', 'policy_out: ACCEPT', '', '[RULES]']);
  t.deepEqual(
    phoenix?.generatedRules.map((r) => [r.scope, r.vmid]),
    [
      ['global', null],
      ['global', null],
      ['lxc', 101],
      ['lxc', 102],
      ['lxc', 102],
      ['lxc', 102],
      ['lxc', 103],
      ['vm', 1001],
    ],
  );
  t.is(
    lines[(phoenix?.generatedRules[7]?.line ?? 0) - 1],
    'IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.101 -dport 443 # traefik -> portainer',
  );
});

test("what was meant: each guest rule belongs in that guest's .fw, concrete rules are expected flows", (t) => {
  const loaded = seed();
  const meant = loaded.phoenix?.meant.find((m) => m.vmid === 1001);
  t.is(meant?.file, 'firewall/1001.fw');
  t.deepEqual(meant?.flow, {
    name: 'traefik -> portainer',
    from: 'ct102',
    to: 'vm1001',
    proto: 'tcp',
    dport: 443,
    expect: 'ACCEPT',
    origin: 'phoenix_vm_configs.json vms.0.firewall.rules.0',
  });
  t.is(loaded.phoenix?.meant[0]?.file, 'firewall/cluster.fw');
  // traefik -> step-ca is stated once (CT 103 in); CIDR sources give no flow.
  t.deepEqual(
    loaded.intent.flows?.map((f) => `${f.from}>${f.to}:${f.dport}`),
    ['ct103>ct102:443', 'ct102>ct103:9000', 'ct102>vm1001:443'],
  );
  const g1001 = loaded.intent.guests?.find((g) => g.vmid === 1001);
  t.deepEqual(g1001?.firewall, { enable: true, nics: { net0: true }, rules: [meant?.text ?? ''] });
  t.is(loaded.intent.cluster?.rules?.length, 8);
});
