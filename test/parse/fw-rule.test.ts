import test from 'ava';
import { normaliseRule, parseRuleLine } from '../../src/parse/fw-rule.js';

const ctx = { file: 'firewall/cluster.fw', line: 7, kind: 'cluster' as const };
const rule = (text: string, kind: 'cluster' | 'host' | 'guest' = 'cluster') => parseRuleLine(text, { ...ctx, kind });

test('parses every option in any order, with long and short flags', (t) => {
  const r = rule(
    'in ACCEPT --dport 443 -source 10.0.0.12 --proto tcp -dest 10.0.0.101 --sport 1024:65535 -log info -i vmbr0 # traefik',
  ).rule;
  t.like(r, {
    direction: 'IN',
    action: 'ACCEPT',
    proto: 'tcp',
    dport: '443',
    sport: '1024:65535',
    source: '10.0.0.12',
    dest: '10.0.0.101',
    log: 'info',
    iface: 'vmbr0',
    comment: 'traefik',
    errors: [],
  });
  t.is(r?.line, 7);
});

test('macros: case-insensitive name, conflicting options are errors', (t) => {
  const r = rule('IN ssh(ACCEPT) -source 10.0.0.0/24').rule;
  t.is(r?.macro, 'SSH');
  t.is(r?.action, 'ACCEPT');
  t.regex(rule('IN HTTPS(ACCEPT) -dport 8443').rule?.errors[0] ?? '', /-dport is already defined in macro HTTPS/);
  t.deepEqual(rule('GROUP web').rule?.errors, []);
  t.regex(rule('GROUP x').rule?.errors.join() ?? '', /invalid security group name/);
});

test('verification errors are kept on the rule', (t) => {
  const cases: Array<[string, RegExp]> = [
    ['IN ACCEPT -p tcp -dport 1:0', /reversed/],
    ['IN ACCEPT -p icmp -dport nosuchtype', /unknown port/],
    ['IN ACCEPT -p gre -dport 22', /does not support ports/],
    ['IN ACCEPT -p nosuch', /unknown protocol/],
    ['IN ACCEPT -source 10.0.0.1-10.0.0.9,10.0.1.1', /not allowed inside a list/],
    ['IN ACCEPT -icmp-type echo-request -p tcp', /requires -p icmp/],
    ['IN ACCEPT -p icmp -icmp-type nosuch', /unknown ICMP type/],
    ['FORWARD REJECT -p tcp', /REJECT is not allowed with FORWARD/],
    ['OUT DROP -p tcp -dport ssh,http,https', /^$/],
  ];
  for (const [text, re] of cases) t.regex(rule(text).rule?.errors.join('; ') ?? 'unparsed', re, text);
});

test('ports: service names, ranges, 15-number limit, 0 means no port', (t) => {
  t.deepEqual(rule('IN ACCEPT -p tcp -dport 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15').rule?.errors, []);
  t.regex(
    rule('IN ACCEPT -p tcp -dport 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16').rule?.errors[0] ?? '',
    /too many ports/,
  );
  t.deepEqual(rule('IN ACCEPT -dport 0').rule?.errors, []);
  t.deepEqual(rule('IN ACCEPT -p icmp -dport echo-request').rule?.errors, []);
});

test('GROUP takes only -i; guest -i must be netN; host -i any name', (t) => {
  t.is(rule('GROUP web -p tcp').rule, null);
  t.is(rule('GROUP web -p tcp').issues[0]?.code, 'fw-rule-unparseable');
  t.regex(rule('IN ACCEPT -i eth0', 'guest').rule?.errors[0] ?? '', /netN/);
  t.deepEqual(rule('IN ACCEPT -i net1', 'guest').rule?.errors, []);
  t.deepEqual(rule('IN ACCEPT -i vmbr0+', 'host').rule?.errors, []);
  t.regex(rule('FORWARD ACCEPT', 'guest').rule?.errors[0] ?? '', /FORWARD is not allowed/);
});

test('unparseable lines: one space between flag and value, known log levels only', (t) => {
  t.is(rule('IN ACCEPT -p  tcp').rule, null);
  t.is(rule('IN ACCEPT -log loud').rule, null);
  t.is(rule('ACCEPT').rule, null);
  t.is(rule('IN ACCEPT -p tcp -x').issues[0]?.column, 18);
});

test('normaliseRule gives one text for equivalent spellings', (t) => {
  const a = rule('IN ACCEPT -source 10.0.0.12 -p tcp -dport 443 # one').rule;
  const b = rule('in ACCEPT --proto tcp --dport 443 --source 10.0.0.12/32').rule;
  t.truthy(a && b);
  if (!a || !b) return;
  t.is(normaliseRule(a), 'IN ACCEPT -source 10.0.0.12 -p tcp -dport 443');
  t.is(normaliseRule(b), normaliseRule(a));
  t.is(normaliseRule(rule('|IN web(ACCEPT) -source LAN').rule as NonNullable<typeof a>), '|IN Web(ACCEPT) -source lan');
});

test('grammar edge cases: comment from the first #, DENY and lower-case actions, macros with FORWARD', (t) => {
  const c = rule('IN ACCEPT -p tcp -dport 22 # ssh # really');
  t.is(c.rule?.comment, 'ssh # really');
  t.regex(rule('IN DENY').rule?.errors[0] ?? '', /invalid action "DENY"/);
  t.regex(rule('IN drop').rule?.errors[0] ?? '', /case-sensitive/);
  t.regex(rule('IN SSH(accept)').rule?.errors[0] ?? '', /invalid action/);
  t.deepEqual(rule('FORWARD HTTP(ACCEPT)').rule?.errors, []);
  t.regex(rule('FORWARD REJECT').rule?.errors[0] ?? '', /REJECT is not allowed with FORWARD/);
  t.regex(rule('OUT Nosuch(DROP)').rule?.errors[0] ?? '', /unknown macro/);
});

test('groups: no nesting, no -i inside a [group]', (t) => {
  const g = (text: string) => parseRuleLine(text, { ...ctx, inGroup: true }).rule;
  t.regex(g('GROUP other')?.errors[0] ?? '', /GROUP is not allowed in a \[group\]/);
  t.regex(g('IN ACCEPT -i vmbr0')?.errors[0] ?? '', /-i is not allowed inside a \[group\]/);
  t.deepEqual(g('FORWARD ACCEPT -p tcp')?.errors, []);
  t.regex(rule('GROUP averyverylonggroupx').rule?.errors[0] ?? '', /^compile: .*longer than 18/);
});

test('addresses: host bits, lists, ranges, families, 512 characters', (t) => {
  t.regex(rule('IN ACCEPT -source 10.0.0.12/24').rule?.errors[0] ?? '', /invalid IP address/);
  t.deepEqual(rule('IN ACCEPT -source 10.0.0.0/24,10.0.1.5').rule?.errors, []);
  t.deepEqual(rule('IN ACCEPT -dest 10.0.0.5-10.0.0.9').rule?.errors, []);
  t.regex(rule('IN ACCEPT -source 10.0.0.1,fd00::1').rule?.errors[0] ?? '', /mixes IPv4 and IPv6/);
  t.regex(rule('IN ACCEPT -source 10.0.0.9-10.0.0.1').rule?.errors[0] ?? '', /reversed/);
  t.regex(rule('IN ACCEPT -p icmp -source fd00::1').rule?.errors[0] ?? '', /mixes IPv4 and IPv6/);
  const long = Array.from({ length: 50 }, (_, i) => `10.0.${i}.0/24`).join(',');
  t.true(long.length > 512);
  t.regex(rule(`IN ACCEPT -source ${long}`).rule?.errors[0] ?? '', /longer than 512/);
  t.deepEqual(rule('IN ACCEPT -source +sdn/x').rule?.errors, []);
});

test('ports: -dport/-sport need a port protocol; names count 0, ranges are numeric only', (t) => {
  t.regex(rule('IN ACCEPT -dport 22').rule?.errors.join() ?? '', /requires -p/);
  t.regex(rule('IN ACCEPT -sport 22').rule?.errors.join() ?? '', /requires -p/);
  for (const p of ['udplite', 'dccp', 'sctp', '6', '17', '136', '33', '132'])
    t.deepEqual(rule(`IN ACCEPT -p ${p} -dport 22`).rule?.errors, [], p);
  t.deepEqual(
    rule('IN ACCEPT -p tcp -dport ssh,telnet,smtp,domain,http,https,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15').rule?.errors,
    [],
  );
  t.regex(rule('IN ACCEPT -p tcp -dport ssh:http').rule?.errors[0] ?? '', /ranges take numbers only/);
  t.regex(rule('IN ACCEPT -p tcp -dport 80-90').rule?.errors[0] ?? '', /must use a colon/);
  t.regex(rule('IN ACCEPT -p tcp -dport 70000').rule?.errors[0] ?? '', /above 65535/);
  t.regex(rule('IN ACCEPT -p icmp -icmp-type echo-request -dport 8').rule?.errors.join() ?? '', /cannot be combined/);
  t.deepEqual(rule('IN ACCEPT -p icmpv6 -icmp-type router-advertisement').rule?.errors, []);
});

test('IPv4 pinning: an IPv4 alias with an icmpv6 rule is a family mix', (t) => {
  const scope = { clusterAliases: new Map([['lan', '10.0.0.0/24']]), clusterIpsets: new Set<string>() };
  const r = parseRuleLine('IN ACCEPT -p icmpv6 -source lan', { ...ctx, scope }).rule;
  t.regex(r?.errors[0] ?? '', /mixes IPv4 and IPv6/);
  t.deepEqual(parseRuleLine('IN ACCEPT -p icmp -source LAN', { ...ctx, scope }).rule?.errors, []);
});
