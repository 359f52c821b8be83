import { readFileSync } from 'node:fs';
import test from 'ava';
import { parse as parseYaml } from 'yaml';
import { analyse } from '../../src/analyse/index.js';
import type { Intent } from '../../src/schema/intent.js';
import { factsFrom, nativeIntent, readTree } from '../checks/helpers.js';

// Where the kernel overrules the files, decided once (assess/lib/verdict.ts): the root cause and
// all three answers follow the same typed verdict, with live-differs naming the drift behind it.

const lab = (p: string) => new URL(`../lab/scenarios/${p}`, import.meta.url).pathname;
const kernelText = (name: string) => readFileSync(new URL(`../fixtures/kernel/${name}`, import.meta.url), 'utf8');
const HAND = '-A tap1001i0-IN -s 10.0.0.12/32 -p tcp -m tcp --dport 443 -j DROP';
const META = { startedAt: 'a', finishedAt: 'b', evidence: [], reportId: 'r', evidenceDigest: 'd', incompleteSteps: [] };

// healthy's files (1001.fw accepts 443 from CT 102) against a given loaded ruleset.
function run(iptables: string) {
  const files = { ...readTree(lab('seed/pve')), ...readTree(lab('healthy/pve')) };
  const intent = parseYaml(readFileSync(lab('common/intent.yml'), 'utf8')) as Intent;
  // only the flow the kernel scenarios are about (Step-CA's stays dropped in the files too)
  intent.flows = intent.flows?.filter((f) => f.to === 'vm1001' && f.dport === 443);
  const facts = factsFrom(files, {
    guestsRequested: [101, 102, 103, 1001],
    ruleset: {
      backend: 'iptables',
      file: 'commands/iptables-save.out',
      chains: [...iptables.matchAll(/^:(\S+)/gm)].map((m) => m[1] as string),
      guestDevices: ['veth102i0', 'veth103i0', 'tap1001i0'],
    },
    kernel: {
      iptables: { file: 'commands/iptables-save.out', text: iptables },
      iptablesAfter: null,
      ip6tables: null,
      ipset: null,
    },
  });
  return analyse(facts, nativeIntent(intent), { ...META, files });
}
const flow = (r: ReturnType<typeof run>) => r.flows.find((f) => f.to.zone === 'vm1001' && f.dport === 443);
const answer = (r: ReturnType<typeof run>, q: string) => r.answers.find((a) => a.question === q);

test('a DROP added by hand: the kernel decides, once, for the root cause and every answer', (t) => {
  const text = kernelText('healthy.iptables-save').replace(
    /^(\[0:0\] -A tap1001i0-IN -s 10\.0\.0\.12\/32 -p tcp -m tcp --dport 443 -j ACCEPT)$/m,
    `[0:0] ${HAND}\n$1`,
  );
  const r = run(text);
  const f = flow(r);
  t.is(f?.simulated?.action, 'ACCEPT');
  t.like(f?.live, { action: 'DROP', chain: 'tap1001i0-IN', rule: 3 });
  const why = {
    code: 'live-differs',
    config: 'ACCEPT',
    live: 'DROP',
    chain: 'tap1001i0-IN',
    rule: 3,
    drift: 'hand-added',
  };
  t.like(r.rootCause, {
    layer: 'firewall',
    flow: f?.id,
    decidedBy: { kind: 'rule', file: null, line: null, text: HAND },
  });
  t.like(r.rootCause?.reason, why);
  t.like(answer(r, 'packets-dropped'), { answer: 'yes', reason: why });
  t.like(answer(r, 'rules-loaded'), {
    answer: 'no',
    reason: { code: 'hand-added', chain: 'tap1001i0-IN', rule: 3 },
  });
  // The files' half of the story stays in the wording: what the files would do.
  t.regex(r.rootCause?.summary ?? '', /firewall\/1001\.fw line \d+/);
});

test('a change never applied: the loaded chain lacks the accept, drift says so', (t) => {
  const r = run(kernelText('seed.iptables-save'));
  t.is(flow(r)?.simulated?.action, 'ACCEPT');
  t.like(r.rootCause?.reason, { code: 'live-differs', live: 'DROP', drift: 'live-rule-missing' });
  t.like(answer(r, 'packets-dropped'), { answer: 'yes', reason: { code: 'live-differs' } });
  t.like(answer(r, 'rules-loaded'), { answer: 'no', reason: { code: 'live-rule-missing', chain: 'tap1001i0-IN' } });
});

test('kernel and files agree: nothing is overruled', (t) => {
  const r = run(kernelText('healthy.iptables-save'));
  t.is(flow(r)?.live?.action, 'ACCEPT');
  t.is(r.rootCause, null);
  t.like(answer(r, 'rules-loaded'), { answer: 'yes' });
  t.not(answer(r, 'packets-dropped')?.reason?.code, 'live-differs');
});
