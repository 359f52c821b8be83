import test from 'ava';
import type { CheckResult, Outcome } from '../../src/assess/define.js';
import { CHECKS } from '../../src/checks/index.js';
import type { LoadedIntent } from '../../src/intent/schema.js';
import type { Severity } from '../../src/schema/common.js';
import type { Facts } from '../../src/schema/facts.js';
import type { CurlResult } from '../../src/schema/observe.js';
import { ctxFor } from './helpers.js';

// One row per (check, situation): pass on the clean base tree, fail on the trap fixture,
// error ("could not tell") when the evidence it needs is missing, naming the step.

interface Case {
  check: string;
  trap: string | null;
  outcome: Outcome;
  intent?: LoadedIntent | null;
  facts?: Partial<Facts>;
  subject?: string;
  detail?: RegExp;
  step?: RegExp;
  fix?: (r: CheckResult) => boolean;
  severity?: Severity; // the result's severity after its own override
  explainedBy?: string | null; // "<checkId> <subject>" of the finding this one folds into; null: none
  name?: string; // tells apart cases with the same check, outcome and trap
}

const lost = (reason: string): Partial<Facts> => ({ missing: [{ step: 'pve-files', reason }] });
const noStatus: Partial<Facts> = {
  status: null,
  missing: [{ step: 'pve-firewall-status', reason: 'exit 255: connection lost' }],
};
const observed = (verdict: 'connected' | 'unanswered'): Partial<Facts> => ({
  captures: [
    {
      file: 'capture/vmbr0.pcap',
      linkType: 1,
      format: 'pcap',
      nanosecond: false,
      packets: 3,
      firstPacket: null,
      lastPacket: null,
      issues: [],
      flows: [
        {
          key: 'k',
          proto: 'tcp',
          client: '10.0.0.12',
          server: '10.0.0.101',
          sport: 40000,
          dport: 443,
          syn: verdict === 'connected' ? 1 : 3,
          synAck: verdict === 'connected' ? 1 : 0,
          rstFrom: null,
          rst: 0,
          icmpUnreachable: 0,
          icmpCode: null,
          handshakeCompleted: verdict === 'connected',
          bytesToServer: 0,
          bytesToClient: 0,
          sni: null,
          serverCertificateSeen: false,
          firstSeen: '2026-01-01T00:00:00Z',
          lastSeen: '2026-01-01T00:00:02Z',
          verdict,
          events: [],
        },
      ],
    },
  ],
  captureHosts: ['10.0.0.12', '10.0.0.101'],
});

// The audit's probe from CT 102, with curl's result (null: the probe step produced nothing).
const probed = (result: Partial<CurlResult> | null, extra: Partial<Facts> = {}): Partial<Facts> => ({
  probes: [
    {
      probe: {
        name: 'traefik-to-portainer',
        from: 'ct102',
        url: 'https://portainer.internal.thinkheads.ai',
        cacert: '/ssl/phoenix_ca.crt',
        connectTimeout: 3,
        expect: 'reachable',
      },
      result:
        result === null
          ? null
          : {
              file: 'probes/traefik-to-portainer.curl.txt',
              exitCode: 0,
              phase: 'done',
              error: null,
              url: 'https://portainer.internal.thinkheads.ai',
              resolved: { host: 'portainer.internal.thinkheads.ai', address: '10.0.0.101', via: 'dns' },
              connectAttempts: [{ address: '10.0.0.101', port: 443, outcome: 'connected' }],
              connectedTo: '10.0.0.101:443',
              tls: null,
              httpStatus: 200,
              statusLine: 'HTTP/1.1 200 OK',
              timings: {},
              issues: [],
              ...result,
            },
      evidence: result === null ? null : 'probes/traefik-to-portainer.curl.txt',
    },
  ],
  ...extra,
});
const refusedCapture = (): Partial<Facts> => {
  const base = observed('unanswered');
  const flow = base.captures?.[0]?.flows[0];
  if (!base.captures?.[0] || !flow) throw new Error('fixture');
  return {
    ...base,
    captures: [
      {
        ...base.captures[0],
        flows: [{ ...flow, syn: 1, rst: 1, rstFrom: 'server', verdict: 'refused' }],
      },
    ],
  };
};

const CASES: Case[] = [
  { check: 'cluster_firewall_disabled', trap: null, outcome: 'pass' },
  {
    check: 'cluster_firewall_disabled',
    trap: 'cluster-disabled',
    outcome: 'fail',
    detail: /enable: 0/,
    fix: (r) => JSON.stringify(r.fix).includes('"key":"enable","value":"1"'),
  },
  {
    check: 'cluster_firewall_disabled',
    trap: 'no-cluster-fw',
    outcome: 'error',
    facts: lost('cannot read firewall/cluster.fw: permission denied'),
    step: /pve-files/,
  },
  { check: 'service_firewall_not_running', trap: null, outcome: 'pass' },
  {
    check: 'service_firewall_not_running',
    trap: null,
    outcome: 'fail',
    facts: { status: { enabled: true, state: 'stopped', pendingChanges: false, warnings: [], issues: [] } },
    detail: /stopped/,
  },
  {
    check: 'service_firewall_not_running',
    trap: null,
    outcome: 'error',
    facts: noStatus,
    step: /pve-firewall-status \(exit 255/,
  },
  { check: 'service_changes_pending', trap: null, outcome: 'pass' },
  {
    check: 'service_changes_pending',
    trap: null,
    outcome: 'fail',
    facts: { status: { enabled: true, state: 'running', pendingChanges: true, warnings: [], issues: [] } },
  },
  { check: 'service_changes_pending', trap: null, outcome: 'error', facts: noStatus, step: /pve-firewall-status/ },
  { check: 'ruleset_guest_chains_missing', trap: null, outcome: 'pass' },
  {
    check: 'ruleset_guest_chains_missing',
    trap: null,
    outcome: 'fail',
    subject: 'vm1001/net0',
    facts: {
      ruleset: { backend: 'iptables', file: 'commands/iptables-save.out', chains: [], guestDevices: ['veth102i0'] },
    },
    detail: /tap1001i0-IN/,
  },
  {
    check: 'ruleset_guest_chains_missing',
    trap: null,
    outcome: 'error',
    facts: { ruleset: null, missing: [{ step: 'iptables-save', reason: 'exit 1' }] },
    step: /iptables-save \(exit 1\)/,
  },
  { check: 'guest_node_elsewhere', trap: null, outcome: 'pass' },
  { check: 'guest_node_elsewhere', trap: 'other-node', outcome: 'fail', subject: 'vm1001', detail: /another node/ },
  {
    check: 'guest_node_elsewhere',
    trap: 'other-node',
    outcome: 'error',
    facts: lost('cannot read nodes/pve/qemu-server/1001.conf'),
  },
  { check: 'guest_fwfile_missing', trap: null, outcome: 'pass' },
  {
    check: 'guest_fwfile_missing',
    trap: 'missing-fw',
    outcome: 'fail',
    subject: 'vm1001',
    fix: (r) => JSON.stringify(r.fix).includes('traefik -> portainer'),
  },
  {
    check: 'guest_fwfile_missing',
    trap: 'missing-fw',
    outcome: 'error',
    facts: lost('cannot read firewall/1001.fw'),
    step: /1001\.fw/,
  },
  { check: 'guest_firewall_disabled', trap: null, outcome: 'pass' },
  { check: 'guest_firewall_disabled', trap: 'guest-disabled', outcome: 'fail', subject: 'vm1001', detail: /enable: 0/ },
  {
    check: 'guest_firewall_disabled',
    trap: 'option-comment',
    outcome: 'fail',
    subject: 'vm1001',
    detail: /ignored by Proxmox/,
  },
  {
    check: 'guest_firewall_disabled',
    trap: 'missing-fw',
    outcome: 'error',
    facts: lost('cannot read firewall/1001.fw'),
  },
  { check: 'guest_nic_firewall_off', trap: null, outcome: 'pass' },
  {
    check: 'guest_nic_firewall_off',
    trap: 'nic-flag-off',
    outcome: 'fail',
    subject: 'vm1001/net0',
    fix: (r) => JSON.stringify(r.fix).includes('"raw":"virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=0"'),
  },
  {
    check: 'guest_nic_firewall_off',
    trap: 'other-node',
    outcome: 'error',
    facts: lost('cannot read nodes/pve/qemu-server/1001.conf'),
  },
  { check: 'options_line_ignored', trap: null, outcome: 'pass' },
  {
    check: 'options_line_ignored',
    trap: 'option-comment',
    outcome: 'fail',
    subject: 'firewall/1001.fw:2',
    fix: (r) => JSON.stringify(r.fix).includes('"from":"enable: 1 # portainer firewall on","to":"enable: 1"'),
  },
  {
    check: 'options_line_ignored',
    trap: 'option-unknown-key',
    outcome: 'fail',
    subject: 'firewall/1001.fw:3',
    detail: /unknown/,
  },
  {
    check: 'options_line_ignored',
    trap: null,
    outcome: 'error',
    facts: lost('cannot read firewall/102.fw'),
    subject: 'firewall/102.fw',
  },
  { check: 'group_reference_case_mismatch', trap: 'group-ok', outcome: 'pass' },
  {
    check: 'group_reference_case_mismatch',
    trap: 'group-case',
    outcome: 'fail',
    detail: /stores it as "webserver"/,
    fix: (r) => JSON.stringify(r.fix).includes('"to":"GROUP webserver"'),
  },
  { check: 'group_reference_case_mismatch', trap: null, outcome: 'error', facts: lost('cannot read firewall/102.fw') },
  { check: 'rules_skipped_by_proxmox', trap: null, outcome: 'pass' },
  {
    check: 'rules_skipped_by_proxmox',
    trap: 'rule-skipped',
    outcome: 'fail',
    subject: 'firewall/1001.fw:7',
    fix: (r) => JSON.stringify(r.fix).includes('"to":"IN ACCEPT -p tcp -dport 9443 # portainer agent"'),
  },
  { check: 'rules_skipped_by_proxmox', trap: null, outcome: 'error', facts: lost('cannot read firewall/1001.fw') },
  { check: 'rules_parse_error_nftables', trap: 'nft-clean', outcome: 'pass' },
  {
    check: 'rules_parse_error_nftables',
    trap: 'nft-parse-error',
    outcome: 'fail',
    subject: 'firewall/1001.fw',
    detail: /rejects the whole update/,
  },
  {
    check: 'rules_parse_error_nftables',
    trap: 'nft-clean',
    outcome: 'error',
    facts: lost('cannot read firewall/1001.fw'),
  },
  { check: 'rules_guest_traffic_in_cluster', trap: null, outcome: 'pass' },
  {
    check: 'rules_guest_traffic_in_cluster',
    trap: 'rules-in-cluster',
    outcome: 'fail',
    subject: 'vm1001',
    severity: 'high',
    detail: /dropped by firewall\/1001\.fw line 3 \(policy_in: DROP\): traffic meant to be allowed is blocked/,
    // The intent's own wording goes into 1001.fw, and the cluster.fw line goes: one finding, both edits.
    fix: (r) =>
      JSON.stringify(r.fix).includes(
        '"file":"firewall/1001.fw","ops":[{"op":"add-rule","text":"IN ACCEPT -source 10.0.0.12 -p tcp -dport 443 # traefik -> portainer"}]',
      ) && JSON.stringify(r.fix).includes('"phase":"cleanup"'),
  },
  {
    check: 'rules_guest_traffic_in_cluster',
    trap: 'rules-in-cluster-copy',
    outcome: 'fail',
    subject: 'vm1001',
    severity: 'low',
    detail: /firewall\/1001\.fw line 6 already has it, so only the cluster\.fw copy is dead/,
    fix: (r) =>
      JSON.stringify(r.fix) ===
      JSON.stringify([
        {
          kind: 'fw-edit',
          phase: 'cleanup',
          file: 'firewall/cluster.fw',
          ops: [
            {
              op: 'remove-line',
              text: 'IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.101 -dport 443 # traefik -> portainer',
            },
          ],
        },
      ]),
  },
  {
    check: 'rules_guest_traffic_in_cluster',
    trap: 'drop-in-cluster',
    outcome: 'fail',
    subject: 'vm1001',
    severity: 'critical',
    detail: /accepted by firewall\/1001\.fw line 7 .*traffic meant to be blocked is open/,
  },
  {
    check: 'rules_guest_traffic_in_cluster',
    trap: 'no-cluster-fw',
    outcome: 'error',
    facts: lost('cannot read firewall/cluster.fw'),
  },
  { check: 'rules_intended_missing', trap: null, outcome: 'pass' },
  {
    check: 'rules_intended_missing',
    trap: 'rule-missing',
    outcome: 'fail',
    subject: 'vm1001',
    detail: /traefik -> portainer.*dropped by firewall\/1001\.fw line 3/,
    severity: 'high',
    explainedBy: null,
  },
  {
    check: 'rules_intended_missing',
    trap: 'rules-in-cluster',
    outcome: 'fail',
    subject: 'vm1001',
    explainedBy: 'rules_guest_traffic_in_cluster vm1001',
    detail: /sits in cluster\.fw line 8 instead/,
  },
  { check: 'rules_intended_missing', trap: null, outcome: 'error', intent: null, step: /^intent/ },
  { check: 'rules_live_unexpected', trap: null, outcome: 'pass' },
  { check: 'rules_live_unexpected', trap: 'rule-unexpected', outcome: 'fail', detail: /dport 9000/, explainedBy: null },
  {
    check: 'rules_live_unexpected',
    trap: 'rules-in-cluster',
    outcome: 'fail',
    subject: 'firewall/cluster.fw',
    explainedBy: 'rules_guest_traffic_in_cluster vm1001',
    detail: /meant for VM 1001/,
  },
  { check: 'rules_live_unexpected', trap: null, outcome: 'error', intent: null },
  { check: 'rules_intended_disabled', trap: null, outcome: 'pass' },
  {
    check: 'rules_intended_disabled',
    trap: 'rule-disabled',
    outcome: 'fail',
    fix: (r) => JSON.stringify(r.fix).includes('"to":"IN ACCEPT -source 10.0.0.12'),
  },
  { check: 'rules_intended_disabled', trap: null, outcome: 'error', intent: null },
  { check: 'policy_value_mismatch', trap: null, outcome: 'pass' },
  {
    check: 'policy_value_mismatch',
    trap: 'policy-mismatch',
    outcome: 'fail',
    subject: 'vm1001/policy_in',
    fix: (r) => JSON.stringify(r.fix).includes('"phase":"enable"'),
    severity: 'critical', // ACCEPT where DROP was meant: open
  },
  { check: 'policy_value_mismatch', trap: null, outcome: 'error', intent: null },
  { check: 'flow_simulated_mismatch', trap: null, outcome: 'pass' },
  {
    check: 'flow_simulated_mismatch',
    trap: 'rule-missing',
    outcome: 'fail',
    detail: /policy_in: DROP/,
    fix: (r) => JSON.stringify(r.fix).includes('IN ACCEPT -source 10.0.0.12 -p tcp -dport 443'),
    severity: 'high',
    explainedBy: null,
  },
  {
    check: 'flow_simulated_mismatch',
    trap: 'rules-in-cluster',
    outcome: 'fail',
    explainedBy: 'rules_guest_traffic_in_cluster vm1001',
    detail: /The rule meant for it is cluster\.fw line 8 /,
    // the finding's reason is why the meant rule did not match, as in the root cause
    fix: (r) => r.reason?.code === 'rule-wrong-file' && r.reason.line === 8,
  },
  { check: 'flow_simulated_mismatch', trap: null, outcome: 'error', intent: null },
  { check: 'flow_observation_disagrees', trap: null, outcome: 'pass', facts: observed('connected') },
  {
    check: 'flow_observation_disagrees',
    trap: null,
    outcome: 'fail',
    facts: observed('unanswered'),
    detail: /SYNs go unanswered: look past the firewall/,
  },
  {
    check: 'flow_observation_disagrees',
    trap: 'rule-missing',
    outcome: 'fail',
    facts: observed('connected'),
    detail: /a reply was captured: the rules in the files are not the rules applied/,
  },
  {
    check: 'flow_observation_disagrees',
    trap: null,
    outcome: 'error',
    facts: { missing: [{ step: 'capture', reason: 'tcpdump: permission denied' }] },
    step: /tcpdump/,
  },
  { check: 'flow_probe_fails_past_firewall', trap: null, outcome: 'pass', facts: probed({}) },
  {
    check: 'flow_probe_fails_past_firewall',
    name: 'certificate not trusted',
    trap: null,
    outcome: 'fail',
    facts: probed(
      {
        exitCode: 60,
        phase: 'tls',
        httpStatus: null,
        statusLine: null,
        error: 'curl: (60) SSL certificate problem: unable to get local issuer certificate',
      },
      observed('connected'),
    ),
    detail: /TLS handshake fails.*checked against \/ssl\/phoenix_ca\.crt\. The firewall is not involved/,
    fix: (r) =>
      r.fix === undefined &&
      r.reason?.code === 'tls-untrusted' &&
      /issued by the CA in \/ssl\/phoenix_ca\.crt.*No firewall change helps/.test(r.vars?.action ?? '') &&
      (r.verify ?? []).some((v) => v.startsWith('pct exec 102 -- openssl s_client -connect 10.0.0.101:443')),
  },
  {
    check: 'flow_probe_fails_past_firewall',
    name: 'nothing listens',
    trap: null,
    outcome: 'fail',
    facts: probed(
      {
        exitCode: 7,
        phase: 'connect',
        httpStatus: null,
        statusLine: null,
        connectedTo: null,
        error: 'Connection refused',
      },
      refusedCapture(),
    ),
    detail: /VM 1001 \(10\.0\.0\.101\) answers the SYN with a TCP reset.*nothing listens on port 443/,
    fix: (r) =>
      r.reason?.code === 'service-refused' &&
      (r.verify ?? []).some((v) => v.startsWith("qm guest exec 1001 -- ss -ltn 'sport = :443'")),
  },
  {
    // The firewall drops it: the firewall findings own it, this check has nothing to add.
    check: 'flow_probe_fails_past_firewall',
    trap: 'rule-missing',
    outcome: 'not_applicable',
    facts: probed(
      { exitCode: 28, phase: 'connect', httpStatus: null, statusLine: null, connectedTo: null },
      observed('unanswered'),
    ),
  },
  {
    check: 'flow_probe_fails_past_firewall',
    trap: null,
    outcome: 'error',
    facts: probed(null, { missing: [{ step: 'probe-traefik-to-portainer', reason: 'exit 255: connection lost' }] }),
    step: /probe-traefik-to-portainer \(exit 255/,
  },
  {
    // the lab's stopped scenario: the probe's client is down, which is a finding, not missing evidence
    check: 'flow_probe_fails_past_firewall',
    name: 'probe guest stopped',
    trap: null,
    outcome: 'fail',
    facts: probed(null, { missing: [{ step: 'probe-traefik-to-portainer', reason: 'exit 255: CT 102 not running' }] }),
    detail:
      /^traefik-to-portainer: CT 102 is not running, so the probe could not run inside it \(exit 255: CT 102 not running\)/,
    fix: (r) =>
      r.reason?.code === 'guest-not-running' &&
      r.reason.vmid === 102 &&
      r.vars?.action === 'pct start 102' &&
      (r.verify ?? []).some((v) => v.startsWith('pct status 102')),
  },
];

for (const c of CASES) {
  test(`${c.check}: ${c.outcome}${c.name ? ` (${c.name})` : ''} on ${c.trap ?? 'base'}${c.intent === null ? ' without intent' : ''}${c.facts ? ` (${Object.keys(c.facts).join(', ')})` : ''}`, (t) => {
    const check = CHECKS.find((x) => x.id === c.check);
    if (!check) return t.fail(`no check ${c.check}`);
    const results = check.evaluate(ctxFor(c.trap, { intent: c.intent, facts: c.facts }));
    if (c.outcome === 'pass')
      t.false(
        results.some((r) => r.outcome === 'fail' || r.outcome === 'error'),
        JSON.stringify(
          results.filter((r) => r.outcome !== 'pass'),
          null,
          1,
        ),
      );
    const hit = results.find((r) => r.outcome === c.outcome && (c.subject === undefined || r.subject === c.subject));
    t.truthy(hit, `no ${c.outcome}${c.subject ? ` for ${c.subject}` : ''} in ${JSON.stringify(results, null, 1)}`);
    if (!hit) return;
    if (c.detail) t.regex(hit.detail, c.detail);
    if (c.step) t.regex(hit.missingStep ?? '', c.step);
    if (c.outcome === 'error') t.truthy(hit.missingStep, 'could-not-tell names the missing evidence');
    if (c.outcome === 'fail') t.true(hit.detail.length > 20);
    if (c.fix) t.true(c.fix(hit), JSON.stringify(hit.fix));
    if (c.severity) t.is(hit.severity ?? check.severity, c.severity);
    if (c.explainedBy !== undefined)
      t.is(hit.explainedBy ? `${hit.explainedBy.checkId} ${hit.explainedBy.subject}` : null, c.explainedBy);
  });
}
