import { readFileSync } from 'node:fs';
import test from 'ava';
import { readPveDir } from '../../src/cli/commands/simulate.js';
import { canonicalRule } from '../../src/kernel/canon.js';
import { computeDrift } from '../../src/kernel/drift.js';
import { expectedChains } from '../../src/kernel/expected.js';
import { loadKernel } from '../../src/kernel/index.js';
import { parsePveTree } from '../../src/parse/pve-tree.js';

const lab = (s: string) => new URL(`../lab/scenarios/${s}/pve`, import.meta.url).pathname;
// A scenario's /etc/pve: seed's files with the scenario's own on top, as lab.sh builds it.
function pve(...layers: string[]) {
  const files = new Map<string, string>();
  for (const l of layers) for (const [k, v] of readPveDir(lab(l))) files.set(k, v);
  return parsePveTree(files, { nodename: 'pve' }).config;
}
const live = (name: string, edit: (t: string) => string = (t) => t) => {
  const text = edit(readFileSync(new URL(`../fixtures/kernel/${name}`, import.meta.url), 'utf8'));
  const k = loadKernel({
    iptables: { file: 'commands/iptables-save.out', text },
    iptablesAfter: null,
    ip6tables: null,
    ipset: null,
  });
  if (!k.v4) throw new Error('no table');
  return k.v4;
};

test('generated and saved forms of a rule compare equal', (t) => {
  t.is(
    canonicalRule('-s 10.0.0.12 -p tcp --dport 443 -j ACCEPT'),
    canonicalRule('-s 10.0.0.12/32 -p tcp -m tcp --dport 443 -j ACCEPT'),
  );
  t.is(canonicalRule('-j CONNMARK --set-mark 1001'), canonicalRule('-j CONNMARK --set-xmark 0x3e9/0xffffffff'));
  t.is(
    canonicalRule('-m mac ! --mac-source BC:24:11:5E:7A:01 -j DROP'),
    canonicalRule('-m mac ! --mac-source bc:24:11:5e:7a:01 -j DROP'),
  );
  t.not(
    canonicalRule('-s 10.0.0.12 -p tcp --dport 443 -j ACCEPT'),
    canonicalRule('-s 10.0.0.12 -p tcp --dport 443 -j DROP'),
  );
});

test('seed and healthy: the loaded ruleset is what the files compile to', (t) => {
  for (const [files, rules] of [
    [pve('seed'), 'seed.iptables-save'],
    [pve('seed', 'healthy'), 'healthy.iptables-save'],
  ] as const) {
    const d = computeDrift(live(rules), expectedChains(files));
    t.deepEqual(d.items, [], rules);
    t.true(d.compared.includes('tap1001i0-IN'));
  }
});

test('pending changes: the files accept 443, the kernel still holds the old chain', (t) => {
  const d = computeDrift(live('seed.iptables-save'), expectedChains(pve('seed', 'healthy')));
  t.deepEqual(
    d.items.map((i) => [i.chain, i.kind, i.code, i.expected]),
    [['tap1001i0-IN', 'missing', 'live-rule-missing', '-s 10.0.0.12 -p tcp --dport 443 -j ACCEPT']],
  );
});

test('a DROP inserted by hand in a guest chain is extra, with the spec iptables -D takes', (t) => {
  const d = computeDrift(
    live('healthy.iptables-save', (s) =>
      s.replace(
        '[0:0] -A tap1001i0-IN -s 10.0.0.12/32',
        '[5:300] -A tap1001i0-IN -s 10.0.0.12/32 -p tcp -m tcp --dport 443 -j DROP\n[0:0] -A tap1001i0-IN -s 10.0.0.12/32',
      ),
    ),
    expectedChains(pve('seed', 'healthy')),
  );
  t.deepEqual(
    d.items.map((i) => [i.chain, i.kind, i.code, i.rule, i.spec]),
    [['tap1001i0-IN', 'extra', 'hand-added', 3, '-s 10.0.0.12/32 -p tcp -m tcp --dport 443 -j DROP']],
  );
});

test('a guest whose firewall was switched off still has chains: stale', (t) => {
  const files = pve('seed');
  const fw = files.guestFw['1001'];
  if (!fw?.options.enable) throw new Error('fixture');
  fw.options.enable.value = '0';
  const d = computeDrift(live('seed.iptables-save'), expectedChains(files));
  t.deepEqual(
    d.items.map((i) => [i.chain, i.kind, i.code]),
    [
      ['PVEFW-FWBR-IN', 'extra', 'hand-added'],
      ['PVEFW-FWBR-OUT', 'extra', 'hand-added'],
      ['tap1001i0-IN', 'extra', 'stale-chain'],
      ['tap1001i0-OUT', 'extra', 'stale-chain'],
    ],
  );
});

test('rules appended after PVESIG and rules in FORWARD before PVEFW-FORWARD are hand-added', (t) => {
  const d = computeDrift(
    live('seed.iptables-save', (s) =>
      s
        .replace(
          '[0:0] -A FORWARD -j PVEFW-FORWARD',
          '[0:0] -A FORWARD -s 10.0.0.66/32 -j DROP\n[0:0] -A FORWARD -j PVEFW-FORWARD',
        )
        .replace(/(\[0:0\] -A PVEFW-Drop -m comment --comment "PVESIG:x")/, '$1\n[0:0] -A PVEFW-Drop -p tcp -j DROP'),
    ),
    expectedChains(pve('seed')),
  );
  t.deepEqual(
    d.items.map((i) => [i.chain, i.kind, i.code, i.rule]),
    [
      ['FORWARD', 'extra', 'hand-added', 1],
      ['PVEFW-Drop', 'extra', 'hand-added', 13],
    ],
  );
});
