import { readFileSync } from 'node:fs';
import test from 'ava';
import { seedFacts, seedFiles } from '../analyse/seed-facts.js';
import { factsFrom } from '../checks/helpers.js';
import { analyseTraefikToPortainer, HEALTHY_1001 } from './healthy-flow.js';

// iptables mode with the layer-2 filter collected: the files and iptables accept traefik ->
// portainer 443 (healthy), ebtables-save decides whether the ARP around it gets through.

const read = (name: string) => readFileSync(new URL(`../fixtures/kernel/${name}`, import.meta.url), 'utf8');

async function report(ebtables: string) {
  // the lab's seed (CT 103's firewall on too), for which the ebtables fixtures were loaded
  const files = {
    ...seedFiles(),
    'firewall/1001.fw': HEALTHY_1001,
    'firewall/103.fw': '[OPTIONS]\nenable: 1\npolicy_in: DROP\n',
  };
  const facts = {
    ...seedFacts(),
    pve: factsFrom(files).pve,
    kernel: {
      iptables: { file: 'commands/iptables-save.out', text: read('healthy.iptables-save') },
      iptablesAfter: null,
      ip6tables: null,
      ipset: null,
      ebtables: { file: 'commands/ebtables-save.out', text: read(`${ebtables}.ebtables-save`) },
    },
  };
  return analyseTraefikToPortainer(facts, files);
}

const live = async (eb: string) => (await report(eb)).flows.find((f) => f.name === 'traefik-to-portainer')?.live;

test('pve layer 2: the iptables verdict stands (accept at tap1001i0-IN), and ebtables holds what the files compile to', async (t) => {
  const r = await report('pve');
  const l = r.flows.find((f) => f.name === 'traefik-to-portainer')?.live;
  t.is(l?.action, 'ACCEPT');
  t.is(l?.chain, 'tap1001i0-IN');
  t.deepEqual(
    (r.drift ?? []).filter((d) => d.chain.startsWith('ebtables ')),
    [],
  );
});

test("hand: an admin's ARP drop decides at layer 2; it is hand-added drift and the fix deletes exactly it", async (t) => {
  const r = await report('hand');
  const l = r.flows.find((f) => f.name === 'traefik-to-portainer')?.live;
  t.like(l, {
    action: 'DROP',
    chain: 'ebtables PVEFW-FORWARD',
    rule: 1,
    reason: { code: 'kernel-rule', frame: 'arp-request' },
  });
  t.like(r.rootCause?.reason, { code: 'live-differs', drift: 'hand-added' });
  const f = r.findings.find((x) => x.checkId === 'kernel_flow_live_differs');
  t.deepEqual(f?.remediation.commands, ['ebtables -D PVEFW-FORWARD -p ARP --arp-ip-dst 10.0.0.101 -j DROP']);
  t.true(f?.remediation.verify?.some((v) => v.startsWith("ebtables-save | grep -cxF -- '-A PVEFW-FORWARD -p ARP")));
});

test("arpfilter: VM 1001's ARP replies die in ebtables tap1001i0-OUT-ARP: live DROP at layer 2, root cause names it", async (t) => {
  const r = await report('arpfilter');
  const l = r.flows.find((f) => f.name === 'traefik-to-portainer')?.live;
  t.is(l?.action, 'DROP');
  t.is(l?.chain, 'ebtables tap1001i0-OUT-ARP');
  t.is(l?.rule, 2);
  t.deepEqual(l?.reason, { code: 'arp-filtered', chain: 'ebtables tap1001i0-OUT-ARP', rule: 2, frame: 'arp-reply' });
  t.is(r.rootCause?.reason?.code, 'live-differs');
  t.is(r.rootCause?.reason?.filter, 'arp-filtered');
  t.regex(r.rootCause?.summary ?? '', /ARP filter/);
});

test('stalemac: the old MAC in veth102i0-OUT drops CT 102 at layer 2 (mac-filtered)', async (t) => {
  const l = await live('stalemac');
  t.is(l?.action, 'DROP');
  t.is(l?.reason.code, 'mac-filtered');
  t.is(l?.reason.frame, 'arp-request');
  t.is(l?.text, '-A veth102i0-OUT -s ! bc:24:11:3f:10:99 -j DROP');
});

test('unknown: an unmodelled ebtables match turns the accept into unknown, naming the rule', async (t) => {
  const l = await live('unknown');
  t.is(l?.action, 'unknown');
  t.is(l?.text, '-A PVEFW-FORWARD -p ARP --arp-gratuitous -j DROP');
});
