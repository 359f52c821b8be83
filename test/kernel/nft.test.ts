import { readFileSync } from 'node:fs';
import test from 'ava';
import type { LiveEndpoint } from '../../src/kernel/flow.js';
import { parseNftJson } from '../../src/kernel/nft.js';
import { walkNftFlow } from '../../src/kernel/nft-flow.js';
import { ct102, host, vm1001 } from './endpoints.js';

// Fixtures: test/fixtures/kernel/nft/build.sh loads a proxmox-firewall ruleset with the real nft
// and dumps `nft -j list ruleset`.
const ruleset = (name: string) => {
  const file = `commands/nft-${name}.json`;
  const r = parseNftJson(readFileSync(new URL(`../fixtures/kernel/nft-${name}.json`, import.meta.url), 'utf8'), file);
  if (!r.ruleset) throw new Error(JSON.stringify(r.issues));
  return r;
};

const outside: LiveEndpoint = { kind: 'outside', ip: '192.0.2.7', bridge: null, dev: null, firewall: false, mac: null };

test('the fixture parses without issues: both proxmox-firewall tables, guest chains in rule order', (t) => {
  const { ruleset: rs, issues } = ruleset('plain');
  t.deepEqual(issues, []);
  t.true(rs?.tables.some((x) => x.family === 'bridge' && x.name === 'proxmox-firewall-guests'));
  const c = rs?.chains.get('bridge proxmox-firewall-guests guest-1001-in');
  t.deepEqual(
    c?.rules.map((r) => r.text),
    [
      'jump pre-vm-in',
      'jump allow-dhcp-in',
      'jump allow-ndp-in',
      'ct mark set 1001',
      'tcp dport 443 ip saddr 10.0.0.12 accept',
      'drop',
    ],
  );
});

test('plain: traefik -> portainer 443 is accepted by guest-1001-in rule 5', (t) => {
  const w = walkNftFlow(ruleset('plain').ruleset!, { from: ct102, to: vm1001, proto: 'tcp', dport: 443 });
  t.is(w?.action, 'ACCEPT');
  t.is(w?.decided.rule?.chain, 'guest-1001-in');
  t.is(w?.decided.rule?.pos, 5);
  t.deepEqual(
    w?.hops.map((h) => [h.hop.hook, h.action]),
    [
      ['prerouting', 'ACCEPT'],
      ['forward', 'ACCEPT'],
      ['postrouting', 'ACCEPT'],
    ],
  );
  // the source's OUT chain ran at prerouting and accepted
  t.is(w?.hops[0]?.rule?.chain, 'guest-102-out');
});

test('plain: another port falls to guest-1001-in policy drop (its last rule)', (t) => {
  const w = walkNftFlow(ruleset('plain').ruleset!, { from: ct102, to: vm1001, proto: 'tcp', dport: 22 });
  t.is(w?.action, 'DROP');
  t.is(w?.decided.rule?.chain, 'guest-1001-in');
  t.is(w?.decided.rule?.text, 'drop');
  t.is(w?.decided.hop.hook, 'postrouting');
});

test('plain: a spoofed source MAC is dropped by the macfilter rule in guest-102-out', (t) => {
  const w = walkNftFlow(ruleset('plain').ruleset!, {
    from: { ...ct102, mac: 'BC:24:11:00:00:01' },
    to: vm1001,
    proto: 'tcp',
    dport: 443,
  });
  t.is(w?.action, 'DROP');
  t.is(w?.decided.rule?.chain, 'guest-102-out');
  t.is(w?.decided.rule?.pos, 2);
  t.regex(w?.decided.rule?.text ?? '', /iifname \. ether saddr != \{ veth102i0 \. bc:24:11:3f:10:12 \} drop/);
});

test('plain: an unknown guest MAC makes the verdict unknown at the macfilter rule, not a guess', (t) => {
  const w = walkNftFlow(ruleset('plain').ruleset!, {
    from: { ...ct102, mac: null },
    to: vm1001,
    proto: 'tcp',
    dport: 443,
  });
  t.is(w?.action, 'unknown');
  t.is(w?.decided.unknownRule?.chain, 'guest-102-out');
  t.is(w?.decided.unknownRule?.pos, 2);
});

test('plain: the host reaches 8006 through cluster-in; outside to the host drops at cluster-in', (t) => {
  const rs = ruleset('plain').ruleset!;
  const mgmt = walkNftFlow(rs, { from: ct102, to: host, proto: 'tcp', dport: 8006 });
  t.is(mgmt?.action, 'ACCEPT');
  const out = walkNftFlow(rs, { from: outside, to: host, proto: 'tcp', dport: 8006 });
  t.is(out?.action, 'DROP');
  t.is(out?.decided.rule?.chain, 'cluster-in');
});

test('plain: outside -> portainer 443 is dropped by guest-1001-in (the source is not traefik)', (t) => {
  const w = walkNftFlow(ruleset('plain').ruleset!, { from: outside, to: vm1001, proto: 'tcp', dport: 443 });
  t.is(w?.action, 'DROP');
  t.is(w?.decided.rule?.chain, 'guest-1001-in');
});

test('handdrop: the inserted rule (out of handle order) drops at guest-1001-in rule 5, handle 102', (t) => {
  const w = walkNftFlow(ruleset('handdrop').ruleset!, { from: ct102, to: vm1001, proto: 'tcp', dport: 443 });
  t.is(w?.action, 'DROP');
  t.is(w?.decided.rule?.pos, 5);
  t.is(w?.decided.rule?.handle, 102);
  t.is(w?.decided.rule?.text, 'ip saddr 10.0.0.12 tcp dport 443 counter drop');
});

test("tabledrop: an admin's own bridge table at priority -200 drops before proxmox-firewall's forward chain", (t) => {
  const w = walkNftFlow(ruleset('tabledrop').ruleset!, { from: ct102, to: vm1001, proto: 'tcp', dport: 443 });
  t.is(w?.action, 'DROP');
  t.is(w?.decided.hop.hook, 'forward');
  t.is(w?.decided.rule?.table, 'admin-block');
  t.is(w?.decided.rule?.chain, 'block443');
});

test('unknown: an expression the walk does not model makes the verdict unknown and names the rule', (t) => {
  const w = walkNftFlow(ruleset('unknown').ruleset!, { from: ct102, to: vm1001, proto: 'tcp', dport: 443 });
  t.is(w?.action, 'unknown');
  t.is(w?.decided.unknownRule?.chain, 'guest-1001-in');
  t.is(w?.decided.unknownRule?.pos, 5);
  t.regex(w?.decided.why ?? '', /ip length/);
});

test('bad input: not JSON, or no nftables array, is an issue naming the file', (t) => {
  t.is(parseNftJson('nope', 'commands/x.json').ruleset, null);
  t.regex(parseNftJson('nope', 'commands/x.json').issues[0]?.message ?? '', /not JSON/);
  t.regex(parseNftJson('{}', 'commands/x.json').issues[0]?.message ?? '', /nftables/);
  const r = parseNftJson(
    '{"nftables":[{"rule":{"family":"inet","table":"t","chain":"nochain","expr":[]}},{"chain":{"family":"x"}}]}',
    'f',
  );
  t.is(r.issues.length, 2);
});
