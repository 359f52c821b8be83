import test from 'ava';
import { explainMiss } from '../../src/firewall/explain.js';
import { simulate } from '../../src/firewall/simulate.js';
import type { SimFlow } from '../../src/schema/pve.js';
import { modelFrom } from './helpers.js';

// The situations matrix (issue 9): the three switches x the destination's policy x how the rule
// meant to allow traefik (CT 102, 10.0.0.12) -> portainer (VM 1001, 10.0.0.101) tcp/443 is
// written. Expected outcomes come from PROXMOX.md sections 4 and 9, written here independently of
// the model: the first switch that is off wins, then the rule, then the policy; when the packet is
// not accepted, the miss names how the allow rule was spoiled.

const SWITCHES = ['on', 'cluster-off', 'guest-off', 'nic-off'] as const;
const POLICIES = ['DROP', 'REJECT', 'ACCEPT'] as const;
const RULES = [
  'present',
  'absent',
  'disabled',
  'wrong-file',
  'ipset-miss',
  'skipped',
  'group-undefined',
  'other-nic',
  'wrong-direction',
  'shadowed',
  'port-miss',
  'address-miss',
  'group-rule-disabled',
  'group-jump-disabled',
  'group-rule-port-miss',
] as const;
type Rule = (typeof RULES)[number];

const ALLOW = 'IN ACCEPT -source 10.0.0.12 -p tcp -dport 443';
const guestRules: Record<Rule, string[]> = {
  present: [ALLOW],
  absent: [],
  disabled: [`|${ALLOW}`],
  // with the peer's rule for another port in the guest's file (the seed after its fix, for the 9443
  // flow): the cluster.fw rule matches as written and is the one meant, not the 9443 rule
  'wrong-file': ['IN ACCEPT -source 10.0.0.12 -p tcp -dport 9443'],
  'ipset-miss': ['IN ACCEPT -source +proxies -p tcp -dport 443'],
  skipped: ['IN ACCEPT -source +nosuchset -p tcp -dport 443'],
  'group-undefined': ['GROUP WebIn'],
  'other-nic': [`${ALLOW} -i net1`],
  // with the peer's rule for another port next to it (lab scenario wrongdir): the OUT rule matches
  // the packet as written and is the one meant, not the 9443 rule one port-test away
  'wrong-direction': [
    'OUT ACCEPT -source 10.0.0.12 -p tcp -dport 443',
    'IN ACCEPT -source 10.0.0.12 -p tcp -dport 9443',
  ],
  shadowed: ['IN DROP -source 10.0.0.0/24', ALLOW],
  'port-miss': ['IN ACCEPT -source 10.0.0.12 -p tcp -dport 8443'],
  'address-miss': ['IN ACCEPT -source proxy -p tcp -dport 443'],
  // the allow rule sits in a security group the guest jumps to: the group's rules are looked into
  'group-rule-disabled': ['GROUP webdisabled'],
  'group-jump-disabled': ['|GROUP webin'],
  'group-rule-port-miss': ['GROUP webport'],
};
const MISS: Record<Rule, string | null> = {
  present: null,
  absent: 'no-rule',
  disabled: 'rule-disabled',
  'wrong-file': 'rule-wrong-file',
  'ipset-miss': 'ipset-no-member',
  skipped: 'rule-skipped',
  'group-undefined': 'group-undefined',
  'other-nic': 'rule-other-nic',
  'wrong-direction': 'rule-wrong-direction',
  shadowed: 'rule-shadowed',
  'port-miss': 'port-mismatch',
  'address-miss': 'address-mismatch',
  'group-rule-disabled': 'rule-disabled',
  'group-jump-disabled': 'rule-disabled',
  'group-rule-port-miss': 'port-mismatch',
};

function files(sw: (typeof SWITCHES)[number], policy: string, rule: Rule): Record<string, string> {
  const clusterRules = rule === 'wrong-file' ? [`IN ACCEPT -source 10.0.0.12 -dest 10.0.0.101 -p tcp -dport 443`] : [];
  return {
    'firewall/cluster.fw': `[OPTIONS]\nenable: ${sw === 'cluster-off' ? 0 : 1}\n\n[ALIASES]\nproxy 10.0.0.14\n\n[IPSET proxies]\n10.0.0.14\n\n[group webin]\nIN ACCEPT -p tcp -dport 443\n\n[group webdisabled]\n|IN ACCEPT -source 10.0.0.12 -p tcp -dport 443\n\n[group webport]\nIN ACCEPT -source 10.0.0.12 -p tcp -dport 8443\n\n[RULES]\n${clusterRules.join('\n')}\n`,
    'firewall/1001.fw': `[OPTIONS]\nenable: ${sw === 'guest-off' ? 0 : 1}\npolicy_in: ${policy}\n\n[RULES]\n${guestRules[rule].join('\n')}\n`,
    'firewall/102.fw': '[OPTIONS]\nenable: 1\n',
    'nodes/pve/qemu-server/1001.conf': `name: portainer\nipconfig0: ip=10.0.0.101/24\nnet0: virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=${sw === 'nic-off' ? 0 : 1}\n`,
    'nodes/pve/lxc/102.conf':
      'hostname: traefik\nnet0: name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:3F:10:12,ip=10.0.0.12/24,type=veth\n',
  };
}

const FLOW: SimFlow = {
  from: 'ct102',
  to: 'vm1001',
  proto: 'tcp',
  dport: 443,
  source: '10.0.0.12',
  dest: '10.0.0.101',
};

// The oracle: PROXMOX.md 4 ("guest rules need cluster enable AND guest enable AND NIC firewall=1"),
// then first match wins, then policy_in.
function expected(sw: (typeof SWITCHES)[number], policy: string, rule: Rule) {
  if (sw === 'cluster-off') return { action: 'ACCEPT', code: 'cluster-disabled', side: undefined, miss: null };
  if (sw === 'guest-off') return { action: 'ACCEPT', code: 'guest-disabled', side: 'destination', miss: null };
  if (sw === 'nic-off') return { action: 'ACCEPT', code: 'nic-unfiltered', side: 'destination', miss: null };
  if (rule === 'present') return { action: 'ACCEPT', code: 'rule', side: 'destination', miss: null };
  if (rule === 'shadowed') return { action: 'DROP', code: 'rule', side: 'destination', miss: 'rule-shadowed' };
  return { action: policy, code: 'policy', side: 'destination', miss: policy === 'ACCEPT' ? null : MISS[rule] };
}

for (const sw of SWITCHES)
  for (const policy of POLICIES)
    for (const rule of RULES)
      test(`${sw} x policy_in ${policy} x rule ${rule}`, (t) => {
        const model = modelFrom(files(sw, policy, rule), { hostIp: '10.0.0.1', localNetwork: '10.0.0.0/24' });
        const sim = simulate(model, FLOW);
        const want = expected(sw, policy, rule);
        t.is(sim.action as string, want.action);
        t.is(sim.reason.code as string, want.code);
        t.is(sim.reason.side, want.side);
        const miss = explainMiss(model, FLOW, sim);
        t.is((miss?.code ?? null) as string | null, want.miss);
        if (want.code === 'nic-unfiltered') t.like(sim.reason, { vmid: 1001, nic: 'net0' });
        if (want.code === 'guest-disabled') t.like(sim.reason, { vmid: 1001, file: 'firewall/1001.fw', line: 2 });
        if (want.code === 'policy') t.like(sim.reason, { file: 'firewall/1001.fw', key: 'policy_in', policy });
        if (want.miss === 'ipset-no-member') t.like(miss, { ipset: 'proxies', address: '10.0.0.12', role: 'source' });
        if (want.miss === 'rule-wrong-file') t.like(miss, { file: 'firewall/cluster.fw', vmid: 1001 });
        if (want.miss && rule === 'disabled') t.like(miss, { file: 'firewall/1001.fw', line: 6 });
        if (want.miss && rule === 'group-jump-disabled')
          t.like(miss, { file: 'firewall/1001.fw', line: 6, text: '|GROUP webin' });
        if (want.miss && rule === 'group-rule-disabled') t.like(miss, { file: 'firewall/cluster.fw', line: 14 });
        if (want.miss && rule === 'group-rule-port-miss')
          t.like(miss, { file: 'firewall/cluster.fw', line: 17, ports: '8443' });
        if (want.miss === 'group-undefined') t.like(miss, { group: 'WebIn', stored: 'webin' });
        if (want.miss === 'rule-shadowed') t.like(miss, { line: 7, byLine: 6 });
        if (want.miss === 'rule-other-nic') t.like(miss, { ruleNic: 'net1', nic: 'net0' });
        if (want.miss === 'port-mismatch') t.like(miss, { ports: '8443', port: 443 });
        if (want.miss === 'address-mismatch') t.like(miss, { wanted: 'proxy', address: '10.0.0.12' });
      });

test('the source side: a DROP policy_out on the sending guest is named as the source side', (t) => {
  const f = files('on', 'DROP', 'present');
  f['firewall/102.fw'] =
    '[OPTIONS]\nenable: 1\npolicy_out: DROP\n\n[RULES]\n|OUT ACCEPT -dest 10.0.0.101 -p tcp -dport 443\n';
  const model = modelFrom(f, { hostIp: '10.0.0.1' });
  const sim = simulate(model, FLOW);
  t.like(sim.reason, { code: 'policy', side: 'source', key: 'policy_out', file: 'firewall/102.fw' });
  t.like(explainMiss(model, FLOW, sim), { code: 'rule-disabled', file: 'firewall/102.fw', line: 6, side: 'source' });
});

test('ipfilter and blacklist name the set and the address', (t) => {
  const f = files('on', 'ACCEPT', 'present');
  f['firewall/102.fw'] = '[OPTIONS]\nenable: 1\nipfilter: 1\n\n[IPSET ipfilter-net0]\n10.0.0.99\n';
  const spoofed = { ...FLOW, source: '10.0.0.50' };
  t.like(simulate(modelFrom(f), spoofed).reason, {
    code: 'ipfilter',
    ipset: 'ipfilter-net0',
    address: '10.0.0.50',
    vmid: 102,
    side: 'source',
  });
  const g = files('on', 'ACCEPT', 'present');
  g['firewall/cluster.fw'] = '[OPTIONS]\nenable: 1\n\n[IPSET blacklist]\n10.0.0.12\n';
  t.like(simulate(modelFrom(g), FLOW).reason, { code: 'blacklist', address: '10.0.0.12', side: 'destination' });
});
