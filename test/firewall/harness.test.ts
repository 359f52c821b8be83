import test from 'ava';
import { EXPANSION_ZONES, parseHarnessLine } from '../../src/firewall/harness.js';

const ok = (text: string) => {
  const h = parseHarnessLine(text, 1);
  if (!h || 'error' in h) throw new Error(`expected a test: ${text}`);
  return h;
};
const err = (text: string) => {
  const h = parseHarnessLine(text, 1);
  return h && 'error' in h ? h.error : '';
};

test('blank and # lines are skipped; other lines must be one-line hashes', (t) => {
  t.is(parseHarnessLine('   ', 1), null);
  t.is(parseHarnessLine('# { from => "x" }', 1), null);
  t.regex(err("from => 'host', action => 'DROP'"), /^parse error/);
  t.regex(err("{ from => 'host' to => 'outside', action => 'DROP' }"), /parse error/);
});

test('keys: any other key is an error; action is ACCEPT, DROP, REJECT or QUERY', (t) => {
  t.regex(err("{ from => 'host', to => 'outside', port => 22, action => 'DROP' }"), /unknown key "port"/);
  t.regex(err("{ from => 'host', to => 'outside', action => 'DENY' }"), /action must be/);
  const q = ok(
    "{ id => 't1', from => 'outside', to => 'host', proto => 'udp', dport => 53, sport => 1000, source => '10.0.0.1', dest => '10.0.0.2', srctype => 'BROADCAST', dsttype => 'MULTICAST', action => 'QUERY' }",
  );
  t.is(q.id, 't1');
  t.is(q.action, 'QUERY');
  t.like(q.flows[0], { proto: 'udp', dport: 53, sport: 1000, srctype: 'BROADCAST', dsttype: 'MULTICAST' });
});

test('a missing to or from expands over host, outside, nfvm, vm100, ct200 (skipping the other end)', (t) => {
  t.deepEqual(EXPANSION_ZONES, ['host', 'outside', 'nfvm', 'vm100', 'ct200']);
  t.deepEqual(
    ok("{ from => 'vm100', dport => 22, action => 'QUERY' }").flows.map((f) => f.to),
    ['host', 'outside', 'nfvm', 'ct200'],
  );
  t.deepEqual(
    ok("{ to => 'host', action => 'QUERY' }").flows.map((f) => f.from),
    ['outside', 'nfvm', 'vm100', 'ct200'],
  );
  t.regex(err("{ dport => 22, action => 'DROP' }"), /needs from or to/);
});
