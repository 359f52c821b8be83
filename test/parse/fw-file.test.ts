import { readFileSync } from 'node:fs';
import test from 'ava';
import { parseFwFile } from '../../src/parse/fw-file.js';

const read = (p: string) => readFileSync(new URL(`../fixtures/pve/${p}`, import.meta.url), 'utf8');
const cluster = (text: string) => parseFwFile(text, { kind: 'cluster', path: 'firewall/cluster.fw' });

test('malformed cluster.fw keeps every rule Proxmox applies and one issue per skipped line', (t) => {
  const f = cluster(read('malformed/firewall/cluster.fw'));
  t.deepEqual(
    f.rules.filter((r) => r.errors.length === 0).map((r) => r.line),
    [21, 25],
  );
  const skipped = [
    2, 3, 7, 8, 11, 15, 16, 17, 18, 19, 22, 23, 24, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
  ];
  t.deepEqual(
    [...new Set(f.issues.map((i) => i.line))].sort((a, b) => (a ?? 0) - (b ?? 0)),
    skipped,
  );
  t.true(f.issues.every((i) => i.file === 'firewall/cluster.fw' && i.code.startsWith('fw-') && i.message.length > 10));
  t.deepEqual(Object.keys(f.options).sort(), ['enable', 'policy_in']);
  t.deepEqual(
    f.ipsets.set1?.entries.map((e) => e.value),
    ['good', '10.0.5.0/24'],
  );
  t.is(f.ipsets['9bad'], undefined);
  t.deepEqual(Object.keys(f.groups), []);
  t.is(f.aliases.later_alias?.line, 42);
});

test('option lines: trailing comments drop the line, keys are case-insensitive, policies upper-cased', (t) => {
  const f = cluster('[options]\nENABLE: 1\npolicy_in: reject\npolicy_out: DROP # no\nenable: 2 # x\n');
  t.is(f.options.enable?.value, '1');
  t.is(f.options.policy_in?.value, 'REJECT');
  t.is(f.options.policy_out, undefined);
  t.regex(f.issues.find((i) => i.line === 4)?.message ?? '', /trailing comment/);
  t.is(f.issues.find((i) => i.line === 4)?.column, 13);
});

test('enable timestamps are kept as written', (t) => {
  t.is(cluster('[OPTIONS]\nenable: 1718000000\n').options.enable?.value, '1718000000');
});

test('headers: ipset/group may carry a comment, names are lower-cased; host files allow only OPTIONS and RULES', (t) => {
  const f = cluster('[IPSET Admins] # the admins\n10.0.0.1\n[GROUP Web] # web\nIN ACCEPT -p tcp -dport 80\n');
  t.is(f.ipsets.admins?.comment, 'the admins');
  t.is(f.groups.web?.rules.length, 1);
  const h = parseFwFile('[RULES]\nIN ACCEPT -p tcp -dport 22\n[ALIASES]\nlan 10.0.0.0/24\n', {
    kind: 'host',
    path: 'nodes/pve/host.fw',
    cluster: null,
  });
  t.deepEqual(h.aliases, {});
  t.is(h.issues[0]?.line, 3);
  t.is(h.issues[0]?.code, 'fw-rule-unparseable');
});

test('aliases: /32 stripped, names case-insensitive, scoped lookups in rules and ipsets', (t) => {
  const c = cluster('[ALIASES]\nAdmin 10.0.0.50/32 # pc\n');
  t.deepEqual(c.aliases.admin, { name: 'admin', cidr: '10.0.0.50', line: 2, comment: 'pc' });
  const g = parseFwFile(
    '[ALIASES]\nmine 10.9.0.1\n[IPSET ss]\ndc/admin\nguest/mine\ndc/mine\n[RULES]\nIN ACCEPT -source dc/ADMIN\nIN ACCEPT -source guest/admin\nIN ACCEPT -source mine\n',
    { kind: 'guest', path: 'firewall/100.fw', cluster: c },
  );
  t.deepEqual(
    g.ipsets.ss?.entries.map((e) => e.value),
    ['dc/admin', 'guest/mine'],
  );
  t.is(g.issues.find((i) => i.line === 6)?.code, 'fw-bad-ipset-entry');
  t.deepEqual(
    g.rules.map((r) => r.errors.length),
    [0, 1, 0],
  );
});

test('ipsets: nomatch entries, aliases must be defined above, host bits allowed', (t) => {
  const f = cluster('[IPSET ss]\n!10.0.0.5\n10.0.0.7/24\nlater\n[ALIASES]\nlater 10.1.1.1\n');
  t.deepEqual(
    f.ipsets.ss?.entries.map((e) => [e.value, e.nomatch]),
    [
      ['10.0.0.5', true],
      ['10.0.0.7/24', false],
    ],
  );
  t.regex(f.issues[0]?.message ?? '', /no such alias "later"/);
});

test('ipset references in rules must be lower case and defined above', (t) => {
  const f = cluster(
    '[IPSET good]\n10.0.0.1\n[RULES]\nIN ACCEPT -source +good\nIN ACCEPT -source +Good\nIN ACCEPT -source +dc/good\nIN ACCEPT -source +guest/good\n',
  );
  t.deepEqual(
    f.rules.map((r) => r.errors.length > 0),
    [false, true, false, true],
  );
  t.regex(f.rules[1]?.errors[0] ?? '', /lower case/);
});

test('GROUP references: case trap and unknown groups are warned', (t) => {
  const f = cluster(
    '[RULES]\nGROUP WebServer\nGROUP nosuch\nGROUP webserver -i vmbr0\n[group webserver]\nIN ACCEPT -p tcp -dport 80\n',
  );
  t.deepEqual(
    f.issues.map((i) => [i.line, i.code]),
    [
      [2, 'fw-group-unknown'],
      [3, 'fw-group-unknown'],
    ],
  );
  t.regex(f.issues[0]?.message ?? '', /write "GROUP webserver"/);
  t.is(f.rules[2]?.iface, 'vmbr0');
});

test('a guest file: groups not allowed, -i must be netN, FORWARD not allowed, disabled rules kept', (t) => {
  const g = parseFwFile(read('malformed/firewall/300.fw'), { kind: 'guest', path: 'firewall/300.fw', cluster: null });
  t.is(g.options.enable, undefined);
  t.deepEqual(
    g.rules.map((r) => [r.line, r.errors.length]),
    [
      [9, 0],
      [10, 1],
      [11, 1],
    ],
  );
  const d = parseFwFile('[RULES]\n|IN ACCEPT -p tcp -dport 1 # off\n', { kind: 'guest', path: 'firewall/1.fw' });
  t.false(d.rules[0]?.enabled);
  t.is(d.rules[0]?.comment, 'off');
  t.is(d.issues[0]?.code, 'fw-rule-disabled');
});

test('never throws on garbage', (t) => {
  const junk = '\u0000[[[\n]]]\n[RULES\n-i\n|\n#\n[IPSET]\n[group x]\n\t\t\nIN\n';
  for (const kind of ['cluster', 'host', 'guest'] as const) {
    const f = parseFwFile(junk, { kind, path: 'x' });
    t.true(f.issues.length > 0);
  }
});

test('header case rules: simple headers any case but nothing after them; named headers take a comment', (t) => {
  const f = cluster(
    '[Options]\nenable: 1\n[RULES] # web\nIN ACCEPT -p tcp -dport 80\n[rules]\nIN ACCEPT -p tcp -dport 81\n[Group Web] # the web\nIN ACCEPT -p tcp -dport 82\n',
  );
  t.is(f.options.enable?.value, '1');
  // "[RULES] # web" is not a header: it and the next line are read as options and rejected
  t.deepEqual(
    f.issues.filter((i) => i.severity === 'error').map((i) => [i.line, i.code]),
    [
      [3, 'fw-bad-option'],
      [4, 'fw-bad-option'],
    ],
  );
  t.deepEqual(
    f.rules.map((r) => r.dport),
    ['81'],
  );
  t.is(f.groups.web?.comment, 'the web');
  t.deepEqual(
    f.groups.web?.rules.map((r) => r.dport),
    ['82'],
  );
});

test('name limits: group <= 18 and ipset <= 64 characters, else the section is skipped', (t) => {
  const g18 = 'a'.repeat(18);
  const f = cluster(
    `[group ${g18}]\nIN ACCEPT -p tcp -dport 1\n[group ${g18}b]\nIN ACCEPT -p tcp -dport 2\n[IPSET ${'s'.repeat(64)}]\n10.0.0.1\n[IPSET ${'s'.repeat(65)}]\n10.0.0.2\n`,
  );
  t.deepEqual(Object.keys(f.groups), [g18]);
  t.deepEqual(Object.keys(f.ipsets), ['s'.repeat(64)]);
  t.deepEqual(
    f.issues.map((i) => [i.line, i.code]),
    [
      [3, 'fw-bad-section'],
      [4, 'fw-no-section'],
      [7, 'fw-bad-section'],
      [8, 'fw-no-section'],
    ],
  );
});

test('a header not allowed in the file kind continues the previous section', (t) => {
  const g = parseFwFile('[RULES]\nIN ACCEPT -p tcp -dport 1\n[group web]\nIN ACCEPT -p tcp -dport 2\n', {
    kind: 'guest',
    path: 'firewall/100.fw',
    cluster: null,
  });
  t.deepEqual(Object.keys(g.groups), []);
  // "[group web]" is read as a rule ("[group" "web]") that fails verification and is skipped
  t.deepEqual(
    g.rules.map((r) => [r.dport, r.errors.length > 0]),
    [
      ['1', false],
      [null, true],
      ['2', false],
    ],
  );
  t.is(g.issues[0]?.line, 3);
  const n = parseFwFile('[group web]\nIN ACCEPT\n', { kind: 'host', path: 'nodes/pve/host.fw', cluster: null });
  t.deepEqual(
    n.issues.map((i) => i.code),
    ['fw-no-section', 'fw-no-section'],
  );
});

test('aliases: a trailing /128 is stripped for IPv6, a bad address is an issue; an ipset may be empty', (t) => {
  const c = cluster('[ALIASES]\nv6host fd00::5/128\nv6net fd00::/64\nbad 10.0.0.300\n[IPSET empty]\n');
  t.is(c.aliases.v6host?.cidr, 'fd00::5');
  t.is(c.aliases.v6net?.cidr, 'fd00::/64');
  t.is(c.aliases.bad, undefined);
  t.is(c.issues[0]?.code, 'fw-bad-alias');
  t.deepEqual(c.ipsets.empty?.entries, []);
});

test('local_network and management exist only at compile time: rules naming them are skipped', (t) => {
  const f = cluster('[RULES]\nIN ACCEPT -source local_network\nIN ACCEPT -source +management\n');
  t.true(f.rules.every((r) => r.errors.length === 1));
  t.regex(f.rules[0]?.errors[0] ?? '', /exists only at compile time/);
  const d = cluster(
    '[ALIASES]\nlocal_network 10.0.0.0/24\n[IPSET management]\n10.1.0.1\n[RULES]\nIN ACCEPT -source local_network\nIN ACCEPT -source +management\n',
  );
  t.true(d.rules.every((r) => r.errors.length === 0));
});

test('guest/ scope outside a guest file: unknown name = rule error, known name = compile error', (t) => {
  const f = cluster(
    '[ALIASES]\nknown 10.0.0.1\n[group gg]\nIN ACCEPT -source guest/known\nIN ACCEPT -source guest/ghost\n',
  );
  const [known, ghost] = f.groups.gg?.rules ?? [];
  t.regex(known?.errors[0] ?? '', /^compile: /);
  t.regex(ghost?.errors[0] ?? '', /^-source: no such alias/);
});

test('host.fw rules resolve aliases and ipsets in cluster.fw; guest files look in their own first', (t) => {
  const c = cluster('[ALIASES]\nadmin 10.0.0.1\n[IPSET ops]\n10.0.0.2\n');
  const h = parseFwFile('[RULES]\nIN ACCEPT -source admin\nIN ACCEPT -source +ops\nIN ACCEPT -source mine\n', {
    kind: 'host',
    path: 'nodes/pve/host.fw',
    cluster: c,
  });
  t.deepEqual(
    h.rules.map((r) => r.errors.length),
    [0, 0, 1],
  );
  const g = parseFwFile(
    '[RULES]\nIN ACCEPT -source +mine\n[IPSET mine]\n10.0.0.3\n[RULES]\nIN ACCEPT -source +mine\n',
    {
      kind: 'guest',
      path: 'firewall/100.fw',
      cluster: c,
    },
  );
  // one pass: the ipset is unknown above its definition
  t.deepEqual(
    g.rules.map((r) => r.errors.length),
    [1, 0],
  );
});

test('undocumented guest options and per-kind option grammar', (t) => {
  const g = parseFwFile(
    '[OPTIONS]\nips: 1\nips_queues: 0:3\nlayer2_protocols: IPv4,ARP\nmacfilter: 0\nradv: 1\ntcpflags: 1\n',
    { kind: 'guest', path: 'firewall/100.fw' },
  );
  t.deepEqual(Object.keys(g.options).sort(), ['ips', 'ips_queues', 'layer2_protocols', 'macfilter', 'radv']);
  t.regex(g.issues[0]?.message ?? '', /unknown guest option "tcpflags"/);
  const h = parseFwFile('[OPTIONS]\nenable: 2\nnosmurfs: 0\nlog_level_in: INFO\nnf_conntrack_helpers: ftp,tftp\n', {
    kind: 'host',
    path: 'nodes/pve/host.fw',
  });
  t.is(h.options.enable, undefined);
  t.is(h.options.nosmurfs?.value, '0');
  t.is(h.options.log_level_in?.value, 'info');
  t.is(h.options.nf_conntrack_helpers?.value, 'ftp,tftp');
});

test('duplicates: a later option or alias wins in Perl, warned because nftables rejects the file', (t) => {
  const f = cluster('[OPTIONS]\npolicy_in: DROP\npolicy_in: ACCEPT\n[ALIASES]\na1 10.0.0.1\nA1 10.0.0.2\n');
  t.is(f.options.policy_in?.value, 'ACCEPT');
  t.is(f.aliases.a1?.cidr, '10.0.0.2');
  t.deepEqual(
    f.issues.map((i) => [i.line, i.code, i.severity]),
    [
      [3, 'fw-duplicate-option', 'warning'],
      [6, 'fw-duplicate-alias', 'warning'],
    ],
  );
});
