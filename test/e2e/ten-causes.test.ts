import test, { type ExecutionContext } from 'ava';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import type { Report } from '../../src/schema/report.js';
import type { Lab } from '../lab/lab.js';
import { latest, runOpts, skipWhy, withLab } from './helpers.js';

// Tried as a new user would: lab nodes set up as the intent says (scenario `tidy`), each with one
// thing broken, audited with a plain `pveaudit run`. Each report must name the actual cause and its
// parameter (the file and line, the ipset, the NIC, the alias, the name that does not resolve...)
// in rootCause, in the probed flow and in a finding, answer the three questions accordingly, and
// never fall back to a vague cause where the evidence names one. Every lab's loaded ruleset is
// what pve-firewall compiles for its files, so none may show drift. Lab index 27, one at a time.
const e2e = skipWhy ? test.skip : test.serial;

const FW = 'firewall/1001.fw';
const POLICY_IN = { kind: 'policy', file: FW, line: 4, text: 'policy_in: DROP' };
const ACCEPT_443 = {
  kind: 'rule',
  file: FW,
  line: 8,
  text: 'IN ACCEPT -source 10.0.0.12 -p tcp -dport 443 # traefik -> portainer',
};

interface Cause {
  scenario: string;
  layer: NonNullable<Report['rootCause']>['layer'];
  // rootCause.reason, code and params, compared with t.like
  reason: Record<string, unknown>;
  decidedBy: Record<string, unknown>;
  // a finding of this check that carries the cause (firewall causes: also flow_simulated_mismatch)
  finding: { checkId: string; reason: Record<string, unknown>; outcome?: string };
  rulesLoaded?: 'yes' | 'no';
  dropped: 'yes' | 'unknown';
  exit?: number;
}

const fwCause = (reason: Record<string, unknown>, finding?: Cause['finding']): Omit<Cause, 'scenario'> => ({
  layer: 'firewall',
  reason: { side: 'destination', vmid: 1001, ...reason },
  decidedBy: POLICY_IN,
  finding: finding ?? { checkId: 'flow_simulated_mismatch', reason },
  dropped: 'yes',
});

const CAUSES: Cause[] = [
  {
    scenario: 'disabled',
    ...fwCause(
      { code: 'rule-disabled', file: FW, line: 8, text: `|${ACCEPT_443.text}` },
      { checkId: 'rules_intended_disabled', reason: { code: 'rule-disabled', file: FW, line: 8, vmid: 1001 } },
    ),
  },
  {
    scenario: 'wrongport',
    ...fwCause({ code: 'port-mismatch', file: FW, line: 8, ports: '8443', port: 443, proto: 'tcp' }),
  },
  {
    scenario: 'wrongdir',
    ...fwCause({ code: 'rule-wrong-direction', file: FW, line: 8, direction: 'OUT', wanted: 'IN' }),
  },
  {
    scenario: 'shadowed',
    ...fwCause({ code: 'rule-shadowed', file: FW, line: 9, byLine: 8, byAction: 'DROP' }),
    decidedBy: {
      kind: 'rule',
      file: FW,
      line: 8,
      text: 'IN DROP -source 10.0.0.0/24 -p tcp -dport 443 # close https to the lan',
    },
  },
  {
    scenario: 'othernic',
    ...fwCause({ code: 'rule-other-nic', file: FW, line: 8, ruleNic: 'net1', nic: 'net0' }),
  },
  {
    scenario: 'ipsetmiss',
    ...fwCause({ code: 'ipset-no-member', file: FW, line: 12, ipset: 'proxies', address: '10.0.0.12', role: 'source' }),
  },
  {
    scenario: 'aliasmiss',
    ...fwCause({
      code: 'address-mismatch',
      file: FW,
      line: 12,
      wanted: 'traefik',
      address: '10.0.0.12',
      role: 'source',
    }),
  },
  {
    scenario: 'noalias',
    ...fwCause(
      {
        code: 'rule-skipped',
        file: FW,
        line: 8,
        error: '-source: no such alias "traefik" (it must be defined above this line, or in cluster.fw)',
      },
      { checkId: 'rules_skipped_by_proxmox', reason: { code: 'rule-skipped', file: FW, line: 8 } },
    ),
    // Proxmox dropped one of the file's rules: the files are not loaded as written
    rulesLoaded: 'no',
  },
  {
    scenario: 'nogroup',
    ...fwCause(
      { code: 'group-undefined', file: FW, line: 8, group: 'webaccess' },
      { checkId: 'group_reference_case_mismatch', reason: { code: 'group-undefined', file: FW, line: 8 } },
    ),
  },
  {
    // the allow rule sits in the security group 1001.fw jumps to, disabled there
    scenario: 'groupoff',
    ...fwCause({
      code: 'rule-disabled',
      file: 'firewall/cluster.fw',
      line: 11,
      text: '|IN ACCEPT -source 10.0.0.12 -p tcp -dport 443 # traefik -> portainer',
    }),
  },
  {
    scenario: 'dnsfail',
    layer: 'dns',
    reason: {
      code: 'dns-failed',
      name: 'portainer.internal.thinkheads.ai',
      client: 'ct102',
      error: 'curl: (6) Could not resolve host: portainer.internal.thinkheads.ai',
    },
    decidedBy: ACCEPT_443,
    finding: {
      checkId: 'flow_probe_fails_past_firewall',
      reason: { code: 'dns-failed', name: 'portainer.internal.thinkheads.ai', client: 'ct102' },
    },
    dropped: 'unknown', // no packet was sent
  },
  {
    scenario: 'stopped',
    layer: 'service',
    reason: { code: 'guest-not-running', vmid: 102, guest: 'CT 102', error: 'exit 255: CT 102 not running' },
    decidedBy: ACCEPT_443,
    // the client being down is a finding of its own; the report guesses nothing about the firewall
    finding: {
      checkId: 'flow_probe_fails_past_firewall',
      reason: { code: 'guest-not-running', vmid: 102, error: 'exit 255: CT 102 not running' },
    },
    dropped: 'unknown',
    exit: 2, // the run is incomplete
  },
];

// Its own prefix: /tmp/pveaudit-lab/<prefix> is shared with labs other test runs bring up.
const inLab = (t: ExecutionContext, scenario: string, body: (l: Lab, out: string) => Promise<void>) =>
  withLab(t, scenario, 27, body, 'pa-causes');

const probed = (r: Report) => r.flows.find((f) => f.name === 'traefik-to-portainer');
const answer = (r: Report, q: string) => r.answers.find((a) => a.question === q);

e2e('tidy: the intent applied as Proxmox needs it; nothing to report', async (t) => {
  await inLab(t, 'tidy', async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { report } = latest(out, 'pve');
    t.is(report.status, 'complete');
    t.is(report.rootCause, null);
    t.deepEqual(report.drift, []);
    t.is(probed(report)?.observed?.probe?.phase, 'done');
    t.deepEqual(
      report.answers.map((a) => [a.question, a.answer]),
      [
        ['rules-loaded', 'yes'],
        ['guest-firewalls-as-intended', 'yes'],
        ['packets-dropped', 'no'],
      ],
    );
    t.deepEqual(report.summary, { critical: 0, high: 0, medium: 0, low: 0, info: 0 });
  });
});

for (const c of CAUSES) {
  e2e(`${c.scenario}: the root cause is ${c.reason.code} and names its parameters`, async (t) => {
    await inLab(t, c.scenario, async (l, out) => {
      const io = bufferIo();
      t.is(await runCommand(runOpts(l, out), io), c.exit ?? 0, io.stderr.join('\n'));
      const { report } = latest(out, 'pve');
      t.is(report.status, c.exit === 2 ? 'incomplete' : 'complete');
      // The lab loads what pve-firewall compiles for these files: the kernel agrees with them.
      t.deepEqual(report.drift, []);
      const rc = report.rootCause;
      t.is(rc?.layer, c.layer);
      t.like(rc?.reason ?? {}, c.reason);
      t.deepEqual(rc?.decidedBy, c.decidedBy);
      t.is(rc?.flow, 'traefik-to-portainer');
      // what the flow says agrees: the files and the kernel both block it, the wire saw the SYNs
      const flow = probed(report);
      if (c.layer === 'firewall') {
        t.deepEqual(flow?.simulated?.miss, rc?.reason);
        t.not(flow?.simulated?.action, 'ACCEPT');
        t.is(flow?.live?.action, flow?.simulated?.action);
        t.is(flow?.observed?.capture?.verdict, 'unanswered');
        t.true((flow?.observed?.capture?.syn ?? 0) >= 1);
        t.is(flow?.observed?.probe?.exitCode, 28);
      } else {
        t.is(flow?.simulated?.action, 'ACCEPT');
        t.is(flow?.simulated?.miss ?? null, null);
        t.is(flow?.observed?.capture?.syn ?? 0, 0, 'nothing was sent');
      }
      const finding = report.findings.find(
        (f) => f.checkId === c.finding.checkId && f.outcome === (c.finding.outcome ?? 'fail'),
      );
      t.truthy(finding, report.findings.map((f) => `${f.checkId} ${f.outcome}`).join(', '));
      t.like(finding?.reason ?? {}, c.finding.reason);
      if (c.layer === 'firewall') {
        const sim = report.findings.find((f) => f.checkId === 'flow_simulated_mismatch' && f.outcome === 'fail');
        t.deepEqual(sim?.reason, rc?.reason, 'the flow finding carries the cause');
      }
      t.is(answer(report, 'rules-loaded')?.answer, c.rulesLoaded ?? 'yes');
      t.is(answer(report, 'guest-firewalls-as-intended')?.answer, 'yes');
      t.is(answer(report, 'packets-dropped')?.answer, c.dropped);
      if (c.dropped === 'unknown') t.is(answer(report, 'packets-dropped')?.reason?.code, 'nothing-sent');
      // nothing vaguer than the evidence: no routing or unknown blame, no generic connect failure
      t.true(rc?.layer !== 'routing' && rc?.layer !== 'unknown', `layer ${rc?.layer}`);
      t.false(
        report.findings.some(
          (f) => f.outcome === 'fail' && ['connect-failed', 'no-rule'].includes(f.reason?.code ?? ''),
        ),
      );
    });
  });
}

// A switch off is harm without a failure: nothing stops the probe, so there is no root cause (it
// names where packets die), but the guest is not firewalled as intended, and the answer, the
// probed flow and a critical finding all name the switch: the NIC, its config file and value.
e2e('nicoff: net0 firewall=0 lets everything through; the answer and a critical finding name the NIC', async (t) => {
  await inLab(t, 'nicoff', async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { report } = latest(out, 'pve');
    t.is(report.status, 'complete');
    t.deepEqual(report.drift, [], 'the lab loads no tap1001i0 chains, as pve-firewall would not');
    t.is(report.rootCause, null);
    const nic = { code: 'nic-unfiltered', vmid: 1001, nic: 'net0', file: 'nodes/pve/qemu-server/1001.conf' };
    t.is(answer(report, 'guest-firewalls-as-intended')?.answer, 'no');
    t.like(answer(report, 'guest-firewalls-as-intended')?.reason ?? {}, { ...nic, value: '0' });
    t.is(answer(report, 'packets-dropped')?.answer, 'no');
    const flow = probed(report);
    t.is(flow?.simulated?.action, 'ACCEPT');
    t.like(flow?.simulated?.reason ?? {}, { ...nic, side: 'destination' });
    t.is(flow?.live?.action, 'ACCEPT');
    t.is(flow?.observed?.probe?.phase, 'done');
    const finding = report.findings.find((f) => f.checkId === 'guest_nic_firewall_off' && f.outcome === 'fail');
    t.is(finding?.severity, 'critical');
    t.like(finding?.reason ?? {}, nic);
    t.not(finding?.title, 'Every NIC of a firewalled guest has firewall=1', 'the title states the problem');
  });
});
