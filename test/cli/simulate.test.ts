import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import test from 'ava';
import { simulateCommand } from '../../src/cli/commands/simulate.js';
import { bufferIo } from '../../src/cli/io.js';

const dir = (name: string) => new URL(`../fixtures/pve/${name}`, import.meta.url).pathname;

test('one flow: verdict, deciding line and the cluster-rule note', async (t) => {
  const io = bufferIo();
  const code = await simulateCommand(
    { pveDir: dir('seed'), from: 'ct102', to: 'vm1001', dport: '443', source: '10.0.0.12', dest: '10.0.0.101' },
    io,
  );
  t.is(code, 0);
  const out = io.stdout.join('\n');
  t.regex(out, /^ACTION: DROP$/m);
  t.regex(out, /decided by \(policy\): firewall\/1001\.fw:3 {2}policy_in: DROP/);
  t.regex(out, /tap1001i0-IN: policy_in: DROP -> DROP/);
  t.regex(out, /note: firewall\/cluster\.fw:11 .*traefik -> portainer.* never to guest traffic/);
});

test('--json prints the SimResult', async (t) => {
  const io = bufferIo();
  t.is(
    await simulateCommand({ pveDir: dir('seed'), from: '10.0.0.12', to: '10.0.0.101', dport: '443', json: true }, io),
    0,
  );
  const r = JSON.parse(io.stdout.join(''));
  t.is(r.action, 'DROP');
  t.deepEqual(r.decidedBy, { kind: 'policy', file: 'firewall/1001.fw', line: 3, text: 'policy_in: DROP' });
});

test('--tests runs the harness file and prints the summary', async (t) => {
  const io = bufferIo();
  const code = await simulateCommand(
    { pveDir: dir('harness'), tests: `${dir('harness')}/tests`, localNetwork: '172.16.1.0/24' },
    io,
  );
  const last = io.stdout[io.stdout.length - 1] ?? '';
  t.regex(last, /^\d+ passed, 0 failed$/);
  t.is(code, 0);
  t.true(io.stdout.some((l) => l.startsWith('QUERY ')));
});

test('--tests exits 1 when a flow disagrees', async (t) => {
  const io = bufferIo();
  const tmp = mkdtempSync('/tmp/pa-sim-');
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  writeFileSync(`${tmp}/tests`, "{ from => 'ct102', to => 'vm1001', dport => 443, action => 'ACCEPT' }\n");
  t.is(await simulateCommand({ pveDir: dir('seed'), tests: `${tmp}/tests` }, io), 1);
  t.regex(io.stdout.join('\n'), /FAIL .* DROP \(expected ACCEPT\)[\s\S]*1 failed/);
});

test('bad input exits 2 with a message saying what is wrong', async (t) => {
  const zone = bufferIo();
  t.is(await simulateCommand({ pveDir: '/x', from: 'ct102', to: 'vm99' }, zone), 2);
  t.regex(zone.stderr.join('\n'), /--pve-dir \/x: no such directory/);
  const io = bufferIo();
  t.is(await simulateCommand({ pveDir: dir('seed'), from: 'ct102', to: 'vm99', dport: '443' }, io), 2);
  t.regex(
    io.stderr.join('\n'),
    /unknown zone "vm99": no guest 99 in .*seed\/nodes\/pve; zones are host, outside, nfvm, vm<ID>, ct<ID>, vm<ID>i<N>/,
  );
  const port = bufferIo();
  t.is(await simulateCommand({ pveDir: dir('seed'), from: 'outside', to: 'host', dport: '70000' }, port), 2);
  t.regex(port.stderr.join('\n'), /--dport 70000: expected a port number 1-65535/);
  const proto = bufferIo();
  t.is(await simulateCommand({ pveDir: dir('seed'), from: 'outside', to: 'host', proto: 'sctp' }, proto), 2);
  t.regex(proto.stderr.join('\n'), /--proto sctp: expected tcp, udp, icmp or icmpv6/);
  const none = bufferIo();
  t.is(await simulateCommand({ pveDir: dir('seed') }, none), 2);
  t.regex(none.stderr.join('\n'), /give --from and --to, or --tests FILE/);
});

test('a malformed tests file exits 2 naming the line', async (t) => {
  const tmp = mkdtempSync('/tmp/pa-sim-');
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  writeFileSync(`${tmp}/tests`, "# ok\n{ from => 'host', to => 'outside', colour => 'red', action => 'ACCEPT' }\n");
  const io = bufferIo();
  t.is(await simulateCommand({ pveDir: dir('seed'), tests: `${tmp}/tests` }, io), 2);
  t.regex(io.stderr.join('\n'), /tests:2: unknown key "colour"/);
});
