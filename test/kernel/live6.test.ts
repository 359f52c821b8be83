import { readFileSync } from 'node:fs';
import test from 'ava';
import { buildContext } from '../../src/assess/build-context.js';
import { liveFor } from '../../src/assess/lib/live.js';
import { factsFrom, readTree } from '../checks/helpers.js';

// flows[].live for IPv6 addresses: the flow walks ip6tables-save's table, IPv4 flows iptables'.

const lab = (p: string) => new URL(`../lab/scenarios/${p}`, import.meta.url).pathname;
const text = (name: string) => readFileSync(new URL(`../fixtures/kernel/${name}`, import.meta.url), 'utf8');

function ctx(withV6: boolean) {
  const files = { ...readTree(lab('seed/pve')), ...readTree(lab('healthy/pve')) };
  const facts = factsFrom(files, {
    guestsRequested: [101, 102, 103, 1001],
    kernel: {
      iptables: { file: 'commands/iptables-save.out', text: text('healthy.iptables-save') },
      iptablesAfter: null,
      ip6tables: withV6 ? { file: 'commands/ip6tables-save.out', text: text('v6.ip6tables-save') } : null,
      ipset: null,
    },
  });
  return buildContext(facts, null, files);
}

const flow = (from: string, to: string, dport: number) => ({
  from: { zone: 'ct102', ip: from },
  to: { zone: 'vm1001', ip: to },
  proto: 'tcp',
  dport,
});

test('an IPv6 flow is walked through ip6tables and flows[].live names its rule', (t) => {
  const c = ctx(true);
  const v6 = liveFor(c, flow('fd00::12', 'fd00::101', 443));
  t.like(v6.verdict, {
    backend: 'iptables',
    action: 'ACCEPT',
    chain: 'tap1001i0-IN',
    rule: 7,
    text: '-A tap1001i0-IN -s fd00::12/128 -p tcp -m tcp --dport 443 -j ACCEPT',
  });
  t.is(v6.walk?.family, 6);
  t.like(liveFor(c, flow('fd00::12', 'fd00::101', 22)).verdict, { action: 'DROP', chain: 'tap1001i0-IN', rule: 10 });
  // the IPv4 flow between the same guests still walks iptables
  const v4 = liveFor(c, flow('10.0.0.12', '10.0.0.101', 443));
  t.like(v4.verdict, { action: 'ACCEPT', chain: 'tap1001i0-IN', rule: 3 });
  t.is(v4.walk?.family, 4);
});

test('without ip6tables-save evidence an IPv6 flow has no live verdict (not a guess from iptables)', (t) => {
  t.deepEqual(liveFor(ctx(false), flow('fd00::12', 'fd00::101', 443)), { walk: null, verdict: null });
  t.deepEqual(liveFor(ctx(true), flow('10.0.0.12', 'fd00::101', 443)), { walk: null, verdict: null });
});
