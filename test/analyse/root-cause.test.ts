import test from 'ava';
import { analyse } from '../../src/analyse/index.js';
import type { Facts } from '../../src/schema/facts.js';
import { baseIntent, factsFrom, trapTree } from '../checks/helpers.js';
import { seedCapture, seedProbe } from './seed-facts.js';

const META = { startedAt: 'a', finishedAt: 'b', evidence: [], reportId: 'r', evidenceDigest: 'd', incompleteSteps: [] };
const captured = (verdict: 'connected' | 'refused' | 'unanswered'): Partial<Facts> => ({
  captures: [
    {
      ...seedCapture,
      flows: seedCapture.flows.map((f) => ({
        ...f,
        verdict,
        synAck: verdict === 'connected' ? 1 : 0,
        rst: verdict === 'refused' ? 1 : 0,
        rstFrom: verdict === 'refused' ? ('server' as const) : null,
      })),
    },
  ],
  captureHosts: ['10.0.0.12', '10.0.0.101'],
});

const run = (trap: string | null, facts: Partial<Facts>) => {
  const files = trapTree(trap);
  return analyse(factsFrom(files, facts), baseIntent(), { ...META, files });
};

const CASES: {
  name: string;
  trap: string | null;
  facts: Partial<Facts>;
  layer: NonNullable<ReturnType<typeof run>['rootCause']>['layer'] | null;
  reason: Record<string, unknown> | null; // the typed root cause: its code and the params that matter
}[] = [
  {
    name: 'simulated DROP + unanswered SYNs -> firewall',
    trap: 'rule-missing',
    facts: { ...captured('unanswered'), probes: seedProbe({}) },
    layer: 'firewall',
    reason: { code: 'policy', file: 'firewall/1001.fw', line: 3, policy: 'DROP', side: 'destination' },
  },
  {
    name: 'simulated REJECT + the reset it sends -> firewall, read as the firewall answering',
    trap: 'policy-reject',
    facts: { ...captured('refused'), probes: seedProbe({ exitCode: 7, error: 'Connection refused' }) },
    layer: 'firewall',
    reason: { code: 'policy', file: 'firewall/1001.fw', line: 3, policy: 'REJECT', action: 'REJECT' },
  },
  {
    name: 'simulated ACCEPT + RST -> service',
    trap: null,
    facts: { ...captured('refused'), probes: seedProbe({ exitCode: 7, error: 'Connection refused' }) },
    layer: 'service',
    reason: { code: 'service-refused', address: '10.0.0.101', port: 443, server: 'VM 1001' },
  },
  {
    name: 'simulated ACCEPT + unanswered -> look past the firewall',
    trap: null,
    facts: { ...captured('unanswered'), probes: seedProbe({}) },
    layer: 'service',
    reason: { code: 'syn-unanswered', syns: 3, address: '10.0.0.101', port: 443 },
  },
  {
    name: 'curl phase tls -> tls',
    trap: null,
    facts: {
      ...captured('connected'),
      probes: seedProbe({
        exitCode: 60,
        phase: 'tls',
        error: 'SSL certificate problem: unable to get local issuer certificate',
      }),
    },
    layer: 'tls',
    reason: { code: 'tls-untrusted', server: 'VM 1001', client: 'ct102' },
  },
  {
    name: 'curl phase dns -> dns',
    trap: null,
    facts: {
      probes: seedProbe({
        exitCode: 6,
        phase: 'dns',
        resolved: null,
        connectAttempts: [],
        error: 'Could not resolve host',
      }),
    },
    layer: 'dns',
    reason: { code: 'dns-failed', name: 'portainer.internal.thinkheads.ai', client: 'ct102' },
  },
  {
    name: 'everything works -> none',
    trap: null,
    facts: {
      ...captured('connected'),
      probes: seedProbe({ exitCode: 0, phase: 'done', httpStatus: 200, error: null }),
    },
    layer: null,
    reason: null, // nothing is wrong: no root cause
  },
];

for (const c of CASES) {
  test(c.name, (t) => {
    const r = run(c.trap, c.facts);
    t.is(r.rootCause?.layer ?? null, c.layer);
    if (c.reason === null) t.is(r.rootCause, null);
    else t.like(r.rootCause?.reason, c.reason);
  });
}

test('the rejected flow: packets-dropped says rejected, where, and what the capture saw', (t) => {
  const r = run('policy-reject', {
    ...captured('refused'),
    probes: seedProbe({ exitCode: 7, error: 'Connection refused' }),
  });
  t.deepEqual(r.rootCause?.decidedBy, { kind: 'policy', file: 'firewall/1001.fw', line: 3, text: 'policy_in: REJECT' });
  const a = r.answers.find((x) => x.question === 'packets-dropped');
  t.is(a?.answer, 'yes');
  t.like(a?.reason, { code: 'policy', file: 'firewall/1001.fw', line: 3, action: 'REJECT' });
  // wording is the feature of "because": it says rejected, where, and what the capture saw
  t.regex(
    a?.because ?? '',
    /^traefik-to-portainer is rejected: .*policy_in: REJECT.*the capture shows the SYN answered with a TCP reset/,
  );
});

test('a probe that works is the answer: packets not dropped, root cause none, an unprobed blocked flow only noted', (t) => {
  const files = trapTree(null);
  const intent = baseIntent();
  // A second intended flow nobody probed, which the configuration blocks.
  intent.intent.flows = [
    ...(intent.intent.flows ?? []),
    { name: 'lan-to-portainer-agent', from: '10.0.0.50', to: 'vm1001', proto: 'tcp', dport: 9001, expect: 'ACCEPT' },
  ];
  const r = analyse(
    factsFrom(files, {
      ...captured('connected'),
      probes: seedProbe({ exitCode: 0, phase: 'done', httpStatus: 200, error: null }),
    }),
    intent,
    { ...META, files },
  );
  const a = r.answers.find((x) => x.question === 'packets-dropped');
  t.is(a?.answer, 'no');
  t.like(a?.reason, { code: 'flows-pass', flows: ['traefik-to-portainer'] });
  t.is(r.rootCause, null);
  t.true(
    r.findings.some((f) => f.checkId === 'flow_simulated_mismatch' && f.subject === 'flow/lan-to-portainer-agent'),
  );
});

test('a disagreement between simulation and observation is its own finding', (t) => {
  const r = run(null, { ...captured('unanswered'), probes: seedProbe({}) });
  const f = r.findings.find((x) => x.checkId === 'flow_observation_disagrees');
  t.regex(
    f?.detail ?? '',
    /the firewall allows traefik-to-portainer .* yet SYNs go unanswered: look past the firewall/i,
  );
  t.is(r.flows[0]?.agreement, 'disagree');
});

test('without intent the guest question is unknown and no intent-only check fails', (t) => {
  const files = trapTree(null);
  const r = analyse(factsFrom(files), null, { ...META, files });
  t.is(r.answers.find((a) => a.question === 'guest-firewalls-as-intended')?.answer, 'unknown');
  t.is(r.answers.find((a) => a.question === 'rules-loaded')?.answer, 'yes');
  t.false(r.findings.some((f) => f.outcome === 'fail'));
  t.true(
    r.findings
      .filter((f) => f.outcome === 'error')
      .every((f) => f.severity === 'info' && /^Could not tell: intent/.test(f.remediation.summary)),
  );
  t.is(r.intentSource, 'none');
});

test('when the service is the root cause, its step leads the runbook before unrelated firewall edits', (t) => {
  const r = run('rule-unexpected', {
    ...captured('refused'),
    probes: seedProbe({ exitCode: 7, error: 'Connection refused' }),
  });
  t.is(r.rootCause?.layer, 'service');
  const steps = [...r.findings].sort((a, b) => (a.remediation.order ?? 0) - (b.remediation.order ?? 0));
  t.true(steps.length > 1, steps.map((f) => f.checkId).join(', '));
  t.is(steps[0]?.checkId, 'flow_probe_fails_past_firewall', steps.map((f) => f.checkId).join(', '));
});

test('a probe whose name never resolved belongs to its intended flow, and no packet means no "dropped"', (t) => {
  const r = run('rule-missing', {
    ...captured('unanswered'),
    probes: seedProbe({
      exitCode: 6,
      phase: 'dns',
      resolved: null,
      connectAttempts: [],
      connectedTo: null,
      error: 'Could not resolve host',
    }),
  });
  const flows = r.flows.filter((f) => f.to.zone === 'vm1001' && f.dport === 443);
  t.is(flows.length, 1, 'one flow, not a second one with an unknown destination');
  t.is(flows[0]?.source, 'both');
  t.is(flows[0]?.observed?.probe?.phase, 'dns');
  t.like(r.rootCause?.reason, { code: 'dns-failed', client: 'ct102' });
  t.not(r.answers.find((a) => a.question === 'packets-dropped')?.answer, 'yes');
});
