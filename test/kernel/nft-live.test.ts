import { readFileSync } from 'node:fs';
import test from 'ava';
import { seedFacts, seedFiles } from '../analyse/seed-facts.js';
import { factsFrom } from '../checks/helpers.js';
import { analyseTraefikToPortainer, HEALTHY_1001 } from './healthy-flow.js';

// A node in nftables mode (host.fw nftables: 1): flows[].live comes from `nft -j list ruleset`.
// The files accept traefik -> portainer 443; the kernel holds the handdrop fixture's inserted DROP.

async function report(fixture: string) {
  const files = { ...seedFiles(), 'firewall/1001.fw': HEALTHY_1001, 'nodes/pve/host.fw': '[OPTIONS]\nnftables: 1\n' };
  const base = seedFacts();
  const fresh = factsFrom(files, {});
  const text = readFileSync(new URL(`../fixtures/kernel/nft-${fixture}.json`, import.meta.url), 'utf8');
  const facts = {
    ...base,
    pve: fresh.pve,
    nftablesBackend: true,
    ruleset: {
      backend: 'nftables' as const,
      file: 'commands/nft-list-ruleset.out',
      chains: ['guest-102-in', 'guest-102-out', 'guest-1001-in', 'guest-1001-out'],
      guestDevices: ['tap1001i0', 'veth102i0'],
    },
    kernel: {
      iptables: null,
      iptablesAfter: null,
      ip6tables: null,
      ipset: null,
      nft: { file: 'commands/nft-json-ruleset.out', text },
    },
  };
  return analyseTraefikToPortainer(facts, files);
}

test('nft handdrop: the live verdict is the hand-inserted DROP, and the fix deletes it by handle', async (t) => {
  const r = await report('handdrop');
  const flow = r.flows.find((f) => f.name === 'traefik-to-portainer');
  t.is(flow?.live?.backend, 'nftables');
  t.is(flow?.live?.action, 'DROP');
  t.is(flow?.live?.chain, 'bridge proxmox-firewall-guests guest-1001-in');
  t.is(flow?.live?.rule, 5);
  t.is(flow?.live?.reason.handle, 102);
  t.deepEqual(
    r.drift?.map((d) => [d.chain, d.kind, d.reason.code]),
    [['bridge proxmox-firewall-guests guest-1001-in', 'extra', 'hand-added']],
  );
  const f = r.findings.find((x) => x.checkId === 'kernel_flow_live_differs');
  t.truthy(f);
  t.true(f?.remediation.commands.includes('nft delete rule bridge proxmox-firewall-guests guest-1001-in handle 102'));
  t.is(r.rootCause?.reason?.code, 'live-differs');
});

test('nft plain: the kernel accepts as the files do; no drift', async (t) => {
  const r = await report('plain');
  const flow = r.flows.find((f) => f.name === 'traefik-to-portainer');
  t.is(flow?.live?.action, 'ACCEPT');
  t.is(flow?.live?.chain, 'bridge proxmox-firewall-guests guest-1001-in');
  t.deepEqual(r.drift ?? [], []);
  t.falsy(r.findings.find((x) => x.checkId === 'kernel_flow_live_differs'));
});

test("nft tabledrop: a drop in an admin's own table is hand-added drift and decides the flow", async (t) => {
  const r = await report('tabledrop');
  const flow = r.flows.find((f) => f.name === 'traefik-to-portainer');
  t.is(flow?.live?.action, 'DROP');
  t.is(flow?.live?.chain, 'bridge admin-block block443');
  const f = r.findings.find((x) => x.checkId === 'kernel_flow_live_differs');
  t.true(f?.remediation.commands.some((c) => c.startsWith('nft delete rule bridge admin-block block443 handle ')));
});

test('nft unknown: the verdict is unknown and names the rule, never a guess', async (t) => {
  const r = await report('unknown');
  const flow = r.flows.find((f) => f.name === 'traefik-to-portainer');
  t.is(flow?.live?.action, 'unknown');
  t.is(flow?.live?.rule, 5);
  t.is(flow?.live?.reason.code, 'kernel-unknown');
});
