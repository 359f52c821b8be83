import test from 'ava';
import { assessAnswers } from '../../src/assess/answers.js';
import { buildContext } from '../../src/assess/build-context.js';
import { evaluateFlow } from '../../src/assess/lib/flow-eval.js';
import { collectFlows } from '../../src/assess/lib/flows.js';
import { assessRootCause } from '../../src/assess/root-cause.js';
import type { Facts } from '../../src/schema/facts.js';
import type { CurlResult } from '../../src/schema/observe.js';
import type { LiveVerdict } from '../../src/schema/report.js';
import { seedCapture, seedProbe } from '../analyse/seed-facts.js';
import { factsFrom, nativeIntent } from '../checks/helpers.js';

// The situations matrix crossed with what was observed (issue 9): how the files decide traefik
// (CT 102) -> portainer (VM 1001) tcp/443, x the probe's outcome, x whether the kernel's live
// ruleset agrees with the files. Every combination is generated; what the root cause and the
// answers must be follows from the rules stated once in `oracle` below, not from a list.

const FILES = ['accept', 'switch-off', 'policy-drop', 'policy-reject', 'wrong-file', 'ipset-miss'] as const;
const PROBES = ['connected', 'refused', 'timeout', 'tls', 'dns', 'not-run'] as const;
const LIVE = ['agree', 'kernel-drops', 'kernel-accepts', 'unknown'] as const;
type FileCase = (typeof FILES)[number];
type ProbeCase = (typeof PROBES)[number];
type LiveCase = (typeof LIVE)[number];

const ALLOW = 'IN ACCEPT -source 10.0.0.12 -p tcp -dport 443';
function files(c: FileCase): Record<string, string> {
  const guestRules: Record<FileCase, string[]> = {
    accept: [ALLOW],
    'switch-off': [],
    'policy-drop': [],
    'policy-reject': [],
    'wrong-file': [],
    'ipset-miss': ['IN ACCEPT -source +proxies -p tcp -dport 443'],
  };
  const cluster = c === 'wrong-file' ? ['IN ACCEPT -source 10.0.0.12 -dest 10.0.0.101 -p tcp -dport 443'] : [];
  return {
    'firewall/cluster.fw': `[OPTIONS]\nenable: 1\n\n[IPSET proxies]\n10.0.0.14\n\n[RULES]\n${cluster.join('\n')}\n`,
    'firewall/1001.fw': `[OPTIONS]\nenable: ${c === 'switch-off' ? 0 : 1}\npolicy_in: ${c === 'policy-reject' ? 'REJECT' : 'DROP'}\n\n[RULES]\n${guestRules[c].join('\n')}\n`,
    'firewall/102.fw': '[OPTIONS]\nenable: 1\n',
    'nodes/pve/qemu-server/1001.conf':
      'name: portainer\nipconfig0: ip=10.0.0.101/24\nnet0: virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=1\n',
    'nodes/pve/lxc/102.conf':
      'hostname: traefik\nnet0: name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:3F:10:12,ip=10.0.0.12/24,type=veth\n',
  };
}

// What curl and the capture report for each probe outcome.
const PROBE: Record<ProbeCase, { curl: Partial<CurlResult> | null; capture: string | null }> = {
  connected: { curl: { exitCode: 0, phase: 'done', httpStatus: 200, error: null }, capture: 'connected' },
  refused: { curl: { exitCode: 7, phase: 'connect', error: 'Connection refused' }, capture: 'refused' },
  timeout: { curl: {}, capture: 'unanswered' },
  tls: { curl: { exitCode: 60, phase: 'tls', error: 'SSL certificate problem' }, capture: 'connected' },
  dns: {
    curl: { exitCode: 6, phase: 'dns', resolved: null, connectAttempts: [], error: 'Could not resolve host' },
    capture: null,
  },
  'not-run': { curl: null, capture: null },
};

function facts(f: FileCase, p: ProbeCase): Facts {
  const { curl, capture } = PROBE[p];
  return factsFrom(files(f), {
    guestsRequested: [102, 1001],
    captureHosts: ['10.0.0.12', '10.0.0.101'],
    captures: capture
      ? [
          {
            ...seedCapture,
            flows: seedCapture.flows.map((x) => ({
              ...x,
              verdict: capture as typeof x.verdict,
              synAck: capture === 'connected' ? 1 : 0,
              rst: capture === 'refused' ? 1 : 0,
              rstFrom: capture === 'refused' ? ('server' as const) : null,
            })),
          },
        ]
      : [],
    probes: seedProbe(curl ?? null),
    missing: p === 'not-run' ? [{ step: 'probe-traefik-to-portainer', reason: 'exit 255: ssh channel closed' }] : [],
  });
}

const INTENT = nativeIntent({
  guests: [{ vmid: 1001, firewall: { enable: true } }],
  flows: [{ name: 'traefik-to-portainer', from: 'ct102', to: 'vm1001', proto: 'tcp', dport: 443, expect: 'ACCEPT' }],
});

// The kernel's verdict for the flow: what the walk of the loaded ruleset would say.
function live(l: LiveCase, files: 'ACCEPT' | 'DROP' | 'REJECT'): LiveVerdict | null {
  const rule = (target: 'ACCEPT' | 'DROP' | 'REJECT'): LiveVerdict => ({
    backend: 'iptables',
    action: target,
    chain: 'tap1001i0-IN',
    rule: 3,
    text: `-A tap1001i0-IN -s 10.0.0.12/32 -p tcp -m tcp --dport 443 -j ${target}`,
    reason: { code: 'kernel-rule', chain: 'tap1001i0-IN', rule: 3, target },
  });
  if (l === 'kernel-drops') return rule('DROP');
  if (l === 'kernel-accepts') return rule('ACCEPT');
  if (l === 'unknown')
    return {
      backend: 'iptables',
      action: 'unknown',
      chain: 'tap1001i0-IN',
      rule: 2,
      text: null,
      reason: { code: 'kernel-unknown', chain: 'tap1001i0-IN', rule: 2, what: 'module "u32" is not modelled' },
    };
  return rule(files); // agree: the kernel does what the files say
}

// The rules, stated once.
// 1. The files: a switch that is off lets everything through; then the allow rule; else policy_in.
//    What decided is the rule, the switch or the policy; why a blocked flow is blocked (the root
//    cause) is how its allow rule was spoiled (the miss), else the policy.
// 2. The kernel decides now: its verdict wins where it differs (an unknown walk never overrules),
//    with its own reason; where it blocks what the files accept, that reason is live-differs.
// 3. A probe that never sent a packet (dns, not run) cannot show a drop: packets-dropped is
//    unknown; a failure before or after the firewall (dns, not run, tls) is the root cause itself.
// 4. Otherwise a blocked flow is a firewall root cause, and packets-dropped is yes, naming what
//    decided. An accepted flow that timed out is syn-unanswered (dropped: yes, the wire saw no
//    answer); one that was refused is service-refused, or the firewall's reset if what decides
//    now is a REJECT.
// 5. A probe that got through has no root cause.
function oracle(f: FileCase, p: ProbeCase, l: LiveCase) {
  const files: 'ACCEPT' | 'DROP' | 'REJECT' =
    f === 'accept' || f === 'switch-off' ? 'ACCEPT' : f === 'policy-reject' ? 'REJECT' : 'DROP';
  const decision = f === 'accept' ? 'rule' : f === 'switch-off' ? 'guest-disabled' : 'policy';
  const spoiled = f === 'wrong-file' ? 'rule-wrong-file' : f === 'ipset-miss' ? 'ipset-no-member' : decision;
  const kernel = l === 'kernel-drops' ? 'DROP' : l === 'kernel-accepts' ? 'ACCEPT' : files;
  const blocked = kernel !== 'ACCEPT';
  const kernelWhy = files === 'ACCEPT' && blocked ? 'live-differs' : 'kernel-rule';
  const why = kernel === files ? spoiled : kernelWhy;
  const decided = kernel === files ? decision : kernelWhy;
  const sentNothing = p === 'dns' || p === 'not-run';
  const probeWhy: Record<ProbeCase, string> = {
    connected: 'probe-ok',
    refused: kernel === 'REJECT' ? 'firewall-reset' : 'service-refused',
    timeout: 'syn-unanswered',
    tls: 'tls-untrusted',
    dns: 'dns-failed',
    'not-run': 'probe-not-run',
  };
  const LAYER: Record<string, string> = {
    'dns-failed': 'dns',
    'tls-untrusted': 'tls',
    'probe-not-run': 'unknown',
    'service-refused': 'service',
    'syn-unanswered': 'service',
  };
  const rootCause =
    p === 'connected'
      ? null
      : sentNothing || p === 'tls'
        ? { layer: LAYER[probeWhy[p]], code: probeWhy[p] }
        : blocked
          ? { layer: 'firewall', code: why }
          : { layer: LAYER[probeWhy[p]], code: probeWhy[p] };
  const dropped = sentNothing
    ? { answer: 'unknown', code: 'nothing-sent' }
    : blocked
      ? { answer: 'yes', code: decided }
      : p === 'timeout'
        ? { answer: 'yes', code: 'syn-unanswered' }
        : { answer: 'no', code: 'flows-pass' };
  const guests = f === 'switch-off' ? { answer: 'no', code: 'guest-disabled' } : { answer: 'yes', code: 'as-intended' };
  return { files, rootCause, dropped, guests };
}

for (const f of FILES)
  for (const p of PROBES)
    for (const l of LIVE)
      test(`files ${f} x probe ${p} x live ${l}`, (t) => {
        const want = oracle(f, p, l);
        const ctx = buildContext(facts(f, p), INTENT, files(f));
        const flows = collectFlows(ctx).map((x) => evaluateFlow(ctx, x));
        t.is(flows.length, 1, 'the probe joins the intended flow');
        const flow = flows[0]!;
        t.is(flow.sim?.action, want.files);
        flow.flow.live = live(l, want.files);
        const rc = assessRootCause(ctx, flows);
        if (want.rootCause === null) t.is(rc, null);
        else t.like({ layer: rc?.layer, code: rc?.reason.code }, want.rootCause);
        if (rc?.reason.code === 'live-differs')
          t.like(rc.reason, { config: 'ACCEPT', live: 'DROP', chain: 'tap1001i0-IN', rule: 3 });
        const answers = assessAnswers(ctx, [], flows);
        const got = (q: string) => {
          const a = answers.find((x) => x.question === q);
          return { answer: a?.answer, code: a?.reason.code };
        };
        t.deepEqual(got('packets-dropped'), want.dropped);
        t.deepEqual(got('guest-firewalls-as-intended'), want.guests);
      });
