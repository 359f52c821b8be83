import test from 'ava';
import { buildPlan } from '../../src/plan/build-plan.js';
import { fillTokens } from '../../src/plan/catalogue.js';
import { printPlan } from '../../src/plan/print.js';
import { type AuditFile, AuditFileSchema } from '../../src/schema/audit.js';

const audit: AuditFile = AuditFileSchema.parse({
  guests: [102, 1001],
  capture: { bridge: 'vmbr0', hosts: ['10.0.0.12', '10.0.0.101'], seconds: 15, maxPackets: 1000 },
  probes: [
    {
      name: 'traefik-to-portainer',
      from: 'ct102',
      url: 'https://portainer.internal.thinkheads.ai',
      cacert: '/ssl/phoenix_ca.crt',
      resolve: 'portainer.internal.thinkheads.ai:443:10.0.0.101',
    },
    { name: 'from-vm', from: 'vm1001', url: 'http://10.0.0.12/' },
    { name: 'from-host', from: 'host', url: 'http://10.0.0.12/', connectTimeout: 3 },
  ],
});
const discovery = { node: 'pve1', lxc: [102, 103], qemu: [1001], nftables: false };

test('every step is read-only and every command is bounded by timeout on the node', (t) => {
  const plan = buildPlan(audit, 'pve1', discovery);
  t.true(plan.resolved);
  for (const s of plan.steps) {
    t.true(s.readOnly);
    t.is(s.when, undefined);
    if (s.id === 'capture-start') t.regex(s.command, /^nohup timeout --kill-after=5 15 tcpdump /);
    else t.regex(s.command, /^timeout --kill-after=5 \d+ /, s.id);
  }
});

test('the resolved plan reads the node facts, the /etc/pve files and each guest by its type', (t) => {
  const ids = buildPlan(audit, 'pve1', discovery).steps.map((s) => s.id);
  t.deepEqual(ids, [
    'hostname',
    'sweep',
    'pveversion',
    'pve-firewall-status',
    'pve-firewall-localnet',
    'pct-list',
    'qm-list',
    'pve/firewall/cluster.fw',
    'pve/local/host.fw',
    'pve/corosync.conf',
    'pve/firewall/102.fw',
    'pve/nodes/pve1/lxc/102.conf',
    'pct-config-102',
    'pve/firewall/1001.fw',
    'pve/nodes/pve1/qemu-server/1001.conf',
    'qm-config-1001',
    'iptables-save',
    'ip6tables-save',
    'ipset-save',
    'ebtables-save',
    'capture-tmpdir',
    'capture-start',
    'capture-listening',
    'probe-traefik-to-portainer',
    'probe-from-vm',
    'probe-from-host',
    'iptables-save-after',
    'capture-stop',
    'capture-log',
    'capture-download',
    'cleanup',
  ]);
});

test('guests: all takes every guest from pct list and qm list; nftables: 1 swaps the ruleset command', (t) => {
  const plan = buildPlan({ ...audit, guests: 'all' }, 'pve1', { ...discovery, nftables: true });
  const ids = plan.steps.map((s) => s.id);
  t.true(ids.includes('pct-config-103'));
  t.true(ids.includes('nft-list-ruleset'));
  t.false(ids.includes('iptables-save'));
});

test('a listed guest on neither list is still asked about, so its absence is evidence', (t) => {
  const plan = buildPlan({ ...audit, guests: [999] }, 'pve1', discovery);
  t.true(plan.steps.some((s) => s.command === 'timeout --kill-after=5 20 pct config 999'));
});

test('capture and probe commands carry the audit values, quoted', (t) => {
  const byId = (id: string) => buildPlan(audit, 'pve1', discovery).steps.find((s) => s.id === id)?.command;
  t.is(
    byId('capture-start'),
    'nohup timeout --kill-after=5 15 tcpdump -i vmbr0 -n --immediate-mode -U -c 1000 -w @TMPDIR@/capture.pcap host 10.0.0.12 and host 10.0.0.101 > @TMPDIR@/tcpdump.err 2>&1 < /dev/null & echo $! > @TMPDIR@/tcpdump.pid; echo $!',
  );
  t.is(
    byId('probe-traefik-to-portainer'),
    'timeout --kill-after=5 30 pct exec 102 -- curl -v --connect-timeout 5 --max-time 20 --cacert /ssl/phoenix_ca.crt --resolve portainer.internal.thinkheads.ai:443:10.0.0.101 https://portainer.internal.thinkheads.ai 2>&1',
  );
  t.is(
    byId('probe-from-vm'),
    'timeout --kill-after=5 30 qm guest exec 1001 --timeout 25 -- curl -v --connect-timeout 5 --max-time 20 http://10.0.0.12/',
  );
  t.is(
    byId('probe-from-host'),
    'timeout --kill-after=5 28 curl -v --connect-timeout 3 --max-time 18 http://10.0.0.12/ 2>&1',
  );
  t.is(
    byId('cleanup'),
    // no signal once tcpdump reported "packets captured": its PID may have been reused; nothing
    // removed that does not carry pveaudit's marker
    "timeout --kill-after=5 20 sh -c 'captured() { while IFS= read -r l; do case $l in *'\\''packet captured'\\''*|*'\\''packets captured'\\''*) return 0;; esac; done 2>/dev/null < @TMPDIR@/tcpdump.err; return 1; }; p=@PID@; [ -f @TMPDIR@/.pveaudit-capture ] && [ ! -L @TMPDIR@ ] || exit 0; [ -z \"$p\" ] || captured || { env kill -INT -- -$p 2>/dev/null; i=0; while [ $i -lt 150 ]; do captured && break; sleep 0.02; i=$((i+1)); done; sleep 0.1; captured || env kill -KILL -- -$p 2>/dev/null; }; rm -rf -- @TMPDIR@'",
  );
});

test('run-time values are checked before they reach a command', (t) => {
  const cmd = 'rm -rf -- @TMPDIR@; kill @PID@';
  t.is(fillTokens(cmd, { dir: '/tmp/pveaudit.Ab12Cd', pid: '4242' }), 'rm -rf -- /tmp/pveaudit.Ab12Cd; kill 4242');
  t.throws(() => fillTokens(cmd, { dir: '/', pid: '1' }));
  t.throws(() => fillTokens(cmd, { dir: '/tmp/pveaudit.Ab12Cd', pid: '1; reboot' }));
  t.throws(() => fillTokens(cmd, { dir: null, pid: '1' }));
  // PID 1 is refused even with a good directory: `kill -- -1` would signal every process
  t.throws(() => fillTokens(cmd, { dir: '/tmp/pveaudit.Ab12Cd', pid: '1' }));
  t.is(fillTokens(cmd, { dir: '/tmp/pveaudit.Ab12Cd', pid: '10' }), 'rm -rf -- /tmp/pveaudit.Ab12Cd; kill 10');
});

test('the dry run shows every command, with the conditions of node-dependent steps', (t) => {
  const lines = printPlan(buildPlan(audit, 'pve1'));
  t.true(lines.includes('timeout --kill-after=5 20 pct config 102    # if 102 is in pct list'));
  t.true(lines.includes('timeout --kill-after=5 20 qm config 1001    # if 1001 is in qm list'));
  t.true(lines.includes('timeout --kill-after=5 30 nft list ruleset    # if host.fw has nftables: 1'));
  t.true(
    lines.some(
      (l) => l.startsWith('nohup timeout --kill-after=5 15 tcpdump') && l.includes('-w <tmpdir>/capture.pcap'),
    ),
  );
  t.true(
    lines.includes(
      "timeout --kill-after=5 20 sh -c 'captured() { while IFS= read -r l; do case $l in *'\\''packet captured'\\''*|*'\\''packets captured'\\''*) return 0;; esac; done 2>/dev/null < <tmpdir>/tcpdump.err; return 1; }; captured || kill -INT <pid>; i=0; while [ $i -lt 500 ]; do captured && break; sleep 0.02; i=$((i+1)); done'",
    ),
  );
  t.true(lines.includes('timeout --kill-after=5 60 cat -- <tmpdir>/capture.pcap'));
  t.true(lines.includes('timeout --kill-after=5 10 cat -- <tmpdir>/tcpdump.err'));
  const all = printPlan(buildPlan({ ...audit, guests: 'all' }, 'pve1'));
  t.true(all.includes('timeout --kill-after=5 20 pct config <vmid>    # for each vmid <vmid> in pct list'));
});
