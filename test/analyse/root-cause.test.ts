import test from 'ava';
import { analyse } from '../../src/analyse/index.js';
import type { Facts } from '../../src/schema/facts.js';
import type { CurlResult } from '../../src/schema/observe.js';
import { baseIntent, factsFrom, trapTree } from '../checks/helpers.js';
import { seedCapture, seedCurl } from './seed-facts.js';

const META = { startedAt: 'a', finishedAt: 'b', evidence: [], reportId: 'r', evidenceDigest: 'd', incompleteSteps: [] };
const probe = (result: Partial<CurlResult>): Facts['probes'] => [
  {
    probe: {
      name: 'traefik-to-portainer',
      from: 'ct102',
      url: 'https://portainer.internal.thinkheads.ai',
      connectTimeout: 3,
      expect: 'reachable',
    },
    result: { ...seedCurl, ...result },
    evidence: null,
  },
];
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
  layer: NonNullable<ReturnType<typeof run>['rootCause']>['layer'];
  summary: RegExp;
}[] = [
  {
    name: 'simulated DROP + unanswered SYNs -> firewall',
    trap: 'rule-missing',
    facts: { ...captured('unanswered'), probes: probe({}) },
    layer: 'firewall',
    summary: /dropped by VM 1001's inbound policy/,
  },
  {
    name: 'simulated ACCEPT + RST -> service',
    trap: null,
    facts: { ...captured('refused'), probes: probe({ exitCode: 7, error: 'Connection refused' }) },
    layer: 'service',
    summary: /nothing listens on port 443/,
  },
  {
    name: 'simulated ACCEPT + unanswered -> look past the firewall',
    trap: null,
    facts: { ...captured('unanswered'), probes: probe({}) },
    layer: 'routing',
    summary: /look past the firewall/,
  },
  {
    name: 'curl phase tls -> tls',
    trap: null,
    facts: {
      ...captured('connected'),
      probes: probe({
        exitCode: 60,
        phase: 'tls',
        error: 'SSL certificate problem: unable to get local issuer certificate',
      }),
    },
    layer: 'tls',
    summary: /TLS handshake fails/,
  },
  {
    name: 'curl phase dns -> dns',
    trap: null,
    facts: {
      probes: probe({
        exitCode: 6,
        phase: 'dns',
        resolved: null,
        connectAttempts: [],
        error: 'Could not resolve host',
      }),
    },
    layer: 'dns',
    summary: /does not resolve/,
  },
  {
    name: 'everything works -> none',
    trap: null,
    facts: { ...captured('connected'), probes: probe({ exitCode: 0, phase: 'done', httpStatus: 200, error: null }) },
    layer: 'unknown',
    summary: /^None: it works/,
  },
];

for (const c of CASES) {
  test(c.name, (t) => {
    const r = run(c.trap, c.facts);
    t.is(r.rootCause?.layer, c.layer);
    t.regex(r.rootCause?.summary ?? '', c.summary);
  });
}

test('a disagreement between simulation and observation is its own finding', (t) => {
  const r = run(null, { ...captured('unanswered'), probes: probe({}) });
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
