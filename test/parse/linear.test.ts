import test from 'ava';
import { importPhoenix } from '../../src/intent/phoenix.js';
import { PhoenixHypervisorSchema, PhoenixLxcSchema, PhoenixVmSchema } from '../../src/intent/phoenix-schema.js';
import { parseCorosync } from '../../src/parse/corosync.js';
import { parseCurlVerbose } from '../../src/parse/curl.js';
import { parseFwFile } from '../../src/parse/fw-file.js';
import { parseGuestConfig } from '../../src/parse/guest-config.js';
import { parseLocalnet } from '../../src/parse/localnet.js';
import { parseFirewallStatus } from '../../src/parse/pve-status.js';
import { parseIptablesSave, parseNftRuleset } from '../../src/parse/ruleset.js';

// A hostile or damaged node file must not stall an audit (issue 11: 40 k spaces in one .fw line took
// 0.5 s, 325 KB more than 120 s). Every parser gets 1 MB lines and 100 k-line inputs; the bound is
// generous CPU time (not wall time: the test machine is shared), far below what quadratic costs.
const MB = 1 << 20;
const BOUND_MS = 4000;
const sp = (n = MB) => ' '.repeat(n);

function cpuMs(run: () => unknown): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const fw = (text: string) => () => parseFwFile(text, { kind: 'cluster', path: 'firewall/cluster.fw' });
const guest =
  (text: string, type: 'lxc' | 'qemu' = 'lxc') =>
  () =>
    parseGuestConfig(text, { vmid: 102, type, source: 'conf-file', path: 'nodes/pve/lxc/102.conf' });
const curl = (text: string) => () => parseCurlVerbose(text, { file: 'probes/p.curl.txt', exitCode: null });

const RULES_100K = Array.from(
  { length: 100_000 },
  (_, i) =>
    `IN ACCEPT -source 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} -p tcp -dport ${1 + (i % 65535)} # r${i}`,
);

const CASES: [string, () => unknown][] = [
  ['.fw rule with 1 MB of spaces inside', fw(`[RULES]\nIN ACCEPT${sp()}-p tcp -dport 22\n`)],
  ['.fw rule with 1 MB of spaces before a comment', fw(`[RULES]\nIN ACCEPT -p tcp${sp()}x # c\n`)],
  ['.fw option with 1 MB of spaces', fw(`[OPTIONS]\nenable:${sp()}1${sp()}x\n`)],
  ['.fw ipset entry with 1 MB of spaces', fw(`[IPSET s]\n10.0.0.1${sp()}x # c\n`)],
  ['.fw alias with 1 MB of spaces', fw(`[ALIASES]\na${sp()}10.0.0.1${sp()}x\n`)],
  ['.fw section header with 1 MB of spaces', fw(`[IPSET${sp()}s]\n`)],
  ['.fw 1 MB of tabs and spaces', fw(`[RULES]\n${' \t'.repeat(MB / 2)}x\n`)],
  ['.fw 100 k rules', fw(`[OPTIONS]\nenable: 1\n[RULES]\n${RULES_100K.join('\n')}\n`)],
  ['.fw 100 k lines of spaces', fw(`[RULES]\n${`${sp(10)}\n`.repeat(100_000)}`)],
  ['guest config value with 1 MB of spaces', guest(`net0: name=eth0${sp()}x${sp()}\n`)],
  ['guest config qemu key with 1 MB of spaces', guest(`net0:${sp()}virtio=AA:BB:CC:DD:EE:FF${sp()}x\n`, 'qemu')],
  ['guest config lxc.* with 1 MB of spaces', guest(`lxc.environment${sp()}=${sp()}A=1${sp()}x\n`)],
  ['guest config 100 k description lines', guest(`${'#descr\n'.repeat(100_000)}hostname: x\n`)],
  ['guest config 100 k keys and comments', guest(Array.from({ length: 50_000 }, (_, i) => `k${i}: x\n#c`).join('\n'))],
  ['curl status line with 1 MB of spaces', curl(`< HTTP/1.1 200${sp()}OK${sp()}x\n`)],
  ['curl timing line with 1 MB of spaces', curl(`time_total:${sp()}1.0${sp()}x\n`)],
  ['curl request line with 1 MB of spaces', curl(`> GET /${sp()}HTTP/1.1${sp()}x\n`)],
  ['curl progress-like line with 1 MB of spaces', curl(`${sp()}100${sp()}x\r* Trying\n`)],
  ['curl 100 k header lines', curl(`${'< X-A: b\n'.repeat(100_000)}`)],
  [
    'pve-firewall status with 1 MB of spaces',
    () => parseFirewallStatus(`Status:${sp()}enabled/running${sp()}x\n`, 's'),
  ],
  [
    'localnet with 1 MB of spaces',
    () => parseLocalnet(`local IP address:${sp()}1.2.3.4${sp()}x\n- a:${sp()}b${sp()}x\n`, 'l'),
  ],
  ['corosync with 1 MB of spaces', () => parseCorosync(`totem${sp()}{\n ring0_addr:${sp()}x${sp()}y\n}\n`, 'c')],
  [
    'iptables-save with 1 MB of spaces',
    () => parseIptablesSave(`*filter\n-A PVEFW-FWBR-IN ${sp()}--physdev-out a${sp()}x\n`, 'i'),
  ],
  ['nft ruleset with 1 MB of spaces', () => parseNftRuleset(`chain x${sp()}{\n"tap1i0"${sp()}:${sp()}x\n`, 'n')],
];

for (const [what, run] of CASES)
  test(`linear: ${what}`, (t) => {
    const ms = cpuMs(run);
    t.true(ms < BOUND_MS, `${ms.toFixed(0)} ms CPU`);
  });

test('linear: a Phoenix intent of 100 k rules imports in bounded time', (t) => {
  const rules = Array.from({ length: 100_000 }, (_, i) => ({
    type: 'in',
    action: 'ACCEPT',
    proto: 'tcp',
    source: `10.1.${(i >> 8) & 255}.${i & 255}`,
    dest: '10.0.0.12',
    port: String(1 + (i % 65535)),
    comment: `rule ${i}`,
  }));
  const hypervisor = PhoenixHypervisorSchema.parse({
    shared_volumes: {
      firewall: {
        enabled: true,
        default_input_policy: 'DROP',
        default_output_policy: 'ACCEPT',
        global_firewall_rules: [],
      },
    },
  });
  const lxc = PhoenixLxcSchema.parse({
    lxc_configs: {
      '102': { name: 'traefik', network_config: { ip: '10.0.0.12/24' }, firewall: { enabled: true, rules } },
    },
  });
  const vm = PhoenixVmSchema.parse({ vms: [] });
  let generated = '';
  const ms = cpuMs(() => {
    generated = importPhoenix({ dir: '/x', hypervisor, lxc, vm }).phoenix?.generatedClusterFw ?? '';
  });
  t.true(ms < BOUND_MS * 2, `${ms.toFixed(0)} ms CPU`);
  const parsed = cpuMs(() => parseFwFile(generated, { kind: 'cluster', path: 'firewall/cluster.fw' }));
  t.true(parsed < BOUND_MS * 2, `${parsed.toFixed(0)} ms CPU to parse the generated cluster.fw`);
});
