import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { type LiveEndpoint, type LiveFlowInput, walkFlow } from '../../src/kernel/index.js';
import { parseIpsetSave } from '../../src/kernel/ipset.js';
import { parseIptablesSave } from '../../src/kernel/iptables-save.js';
import { CT_BITS, type KIpset, type KTable } from '../../src/kernel/types.js';
import { labUp } from '../lab/lab.js';
import { skipWhy } from './helpers.js';

// The differential oracle: a few hundred seeded flows (tcp/udp/icmp, guest to guest, guest to host,
// host to guest) are each sent for real as one packet through the lab node's loaded ruleset; the
// node's `iptables-save -c` counters, read after every packet, say which rules took it. The live
// walk (src/kernel) must name the same deciding rules (or chain policies) on every flow, and every
// rule it says the packet matched must have counted it. Then the same over IPv6: the node loads a
// pve-firewall-style ip6tables ruleset (test/fixtures/kernel/v6.ip6tables-save: NDP, DHCPv6,
// ICMPv6) and ICMPv6 includes neighbour discovery (UNTRACKED) and INVALID types.
// Lab index 30, prefix pa-h10o.
const e2e = skipWhy ? test.skip : test.serial;

const SEED = Number(process.env.ORACLE_SEED ?? 20261203);
const FLOWS = Number(process.env.ORACLE_FLOWS ?? 300);
const FLOWS6 = Number(process.env.ORACLE_FLOWS6 ?? 150);
const SENDER = fileURLToPath(new URL('./kernel-oracle-send.py', import.meta.url));
const V6_RULES = fileURLToPath(new URL('../fixtures/kernel/v6.ip6tables-save', import.meta.url));

interface Endpoint {
  name: string;
  vmid: number | null;
  live: LiveEndpoint; // with its IPv4 address
  ip6: string;
}

const guest = (vmid: number, ip: string, dev: string, firewall: boolean, mac: string): Endpoint => ({
  name: vmid >= 1000 ? `vm${vmid}` : `ct${vmid}`,
  vmid,
  live: { kind: 'guest', ip, bridge: 'vmbr0', dev, firewall, mac },
  ip6: `fd00::${ip.split('.')[3]}`,
});
// The lab's guests (test/lab/scenarios/common/guests.txt; CT 101's NIC has no firewall=1).
const ENDPOINTS: Endpoint[] = [
  {
    name: 'host',
    vmid: null,
    live: { kind: 'host', ip: '10.0.0.1', bridge: null, dev: null, firewall: false, mac: null },
    ip6: 'fd00::1',
  },
  guest(101, '10.0.0.11', 'veth101i0', false, 'BC:24:11:3F:10:11'),
  guest(102, '10.0.0.12', 'veth102i0', true, 'BC:24:11:3F:10:12'),
  guest(103, '10.0.0.13', 'veth103i0', true, 'BC:24:11:3F:10:13'),
  guest(1001, '10.0.0.101', 'tap1001i0', true, 'BC:24:11:5E:7A:01'),
];

const IPSET_RESTORE = [
  'create PVEFW-0-oracle-v4 hash:net family inet',
  'add PVEFW-0-oracle-v4 10.0.0.0/28',
  'add PVEFW-0-oracle-v4 10.0.0.12 nomatch',
  'create PVEFW-0-hosts-v4 hash:ip family inet',
  'add PVEFW-0-hosts-v4 10.0.0.1',
  'add PVEFW-0-hosts-v4 10.0.0.12',
  'create PVEFW-0-oracle-v6 hash:net family inet6',
  'add PVEFW-0-oracle-v6 fd00::/120',
  'add PVEFW-0-oracle-v6 fd00::12 nomatch',
];
const SET_RULES = [
  'iptables -I veth103i0-IN 3 -m set --match-set PVEFW-0-oracle-v4 src -p udp -m udp --dport 6000:6100 -j ACCEPT',
  'iptables -I tap1001i0-IN 3 -m set --match-set PVEFW-0-hosts-v4 src -p tcp -m tcp --dport 6000:6100 -j ACCEPT',
  'iptables -I veth102i0-IN 3 -m set ! --match-set PVEFW-0-oracle-v4 src -p tcp -m tcp --dport 6000:6100 -j DROP',
  'iptables -I veth102i0-IN 4 -p tcp -m tcp --dport 6000:6100 -j ACCEPT',
  'ip6tables -I tap1001i0-IN 3 -m set --match-set PVEFW-0-oracle-v6 src -p udp -m udp --dport 6000:6100 -j ACCEPT',
  'ip6tables -I veth102i0-IN 3 -m set ! --match-set PVEFW-0-oracle-v6 src -p tcp -m tcp --dport 6000:6100 -j DROP',
  'ip6tables -I veth102i0-IN 4 -m set --match-set PVEFW-0-oracle-v6 src -p udp -m multiport --dports 6000:6100 -j ACCEPT',
];

// ICMP types: echo and timestamp requests (NEW), an echo reply and a destination unreachable
// without their connection (INVALID).
const ICMP4 = [8, 8, 13, 0, 3];
// ICMPv6 types: echo request (NEW), neighbour solicitation / advertisement and router
// advertisement (UNTRACKED), echo reply and an error without their connection (INVALID).
const ICMP6 = [128, 128, 135, 136, 134, 129, 1];

// Ports the loaded rules name (and their neighbours), plus random ones.
const PORTS = [22, 25, 53, 80, 135, 137, 443, 445, 514, 1900, 3128, 5000, 5100, 5101, 5404, 5900, 8000, 8006, 8100];
const PORTS2 = [8443, 8500, 8999, 9000, 9443];
const SET_PORTS = [6000, 6050, 6100, 6101]; // the ipset rules' range and just past it

interface OracleFlow {
  id: string;
  from: Endpoint;
  to: Endpoint;
  proto: 'tcp' | 'udp' | 'icmp';
  sport: number;
  dport: number; // the ICMP type for icmp
}

function generate(seed: number, n: number, family: 4 | 6): OracleFlow[] {
  let x = seed >>> 0 || 1;
  const rnd = (k: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % k;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
  const flows: OracleFlow[] = [];
  for (let i = 0; i < n; i++) {
    const from = pick(ENDPOINTS);
    let to = pick(ENDPOINTS);
    while (to === from) to = pick(ENDPOINTS);
    const r = rnd(10);
    const proto = r < 5 ? 'tcp' : r < 8 ? 'udp' : 'icmp';
    const dport =
      proto === 'icmp'
        ? pick(family === 4 ? ICMP4 : ICMP6)
        : rnd(4) === 0
          ? 1024 + rnd(60000)
          : rnd(4) === 0
            ? pick(SET_PORTS)
            : pick([...PORTS, ...PORTS2]);
    // a source port of its own: no flow meets another's conntrack entry, each first packet is NEW
    flows.push({
      id: `${family === 6 ? 'g' : 'f'}${i}`,
      from,
      to,
      proto,
      sport: (family === 6 ? 40000 : 20000) + i,
      dport,
    });
  }
  return flows;
}

function run(file: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 512 * 1024 * 1024, timeout: 600_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

// Policy counters of the built-in chains (":FORWARD ACCEPT [12:345]"): the parser keeps only rules.
function policyCounts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let filter = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) filter = line === '*filter';
    const m = filter ? /^:(INPUT|FORWARD|OUTPUT) (ACCEPT|DROP) \[(\d+):\d+\]/.exec(line) : null;
    if (m) out.set(m[1] as string, Number(m[3]));
  }
  return out;
}

// The conntrack state of what the sender sends, as the kernel documents it: a SYN, a first datagram
// or an echo/timestamp request opens a connection (NEW); neighbour and router discovery are never
// tracked (UNTRACKED); an echo reply or an error without its connection is INVALID.
function stateOf(f: OracleFlow, family: 4 | 6): number {
  if (f.proto !== 'icmp' || [8, 13, 128].includes(f.dport)) return CT_BITS.NEW as number;
  if (family === 4) return CT_BITS.INVALID as number;
  return ([133, 134, 135, 136].includes(f.dport) ? CT_BITS.UNTRACKED : CT_BITS.INVALID) as number;
}

// What the counters say about one packet: the rules with a verdict that counted it (leaving out
// rules that cannot match the packet's own conntrack state: the node's answers to it, a REJECT's
// RST or ICMP error or the host's reply, count there), the built-in chains whose policy counted
// it, and every rule that counted anything.
function observed(before: KTable, after: KTable, pb: Map<string, number>, pa: Map<string, number>, state: number) {
  const deciding = new Set<string>();
  const rose = new Set<string>();
  for (const [name, chain] of after.chains) {
    const prev = before.chains.get(name);
    chain.rules.forEach((r, i) => {
      const d = (r.packets ?? 0) - (prev?.rules[i]?.packets ?? 0);
      if (d <= 0) return;
      rose.add(`${name}#${r.pos}`);
      // A rule that cannot match the flow's packet in its conntrack state counted the node's own
      // answers (a REJECT's RST or ICMP error, the host's replies), as did a rule on lo (a REJECT's
      // answer to the node itself, for a flow from the host, loops back over lo).
      const replyOnly =
        (r.pre.states !== 0 && (r.pre.states & state) === 0) ||
        r.matches.some((m) => m.text === '-i lo' || m.text === '-o lo');
      if (r.target.kind === 'verdict' && !replyOnly) deciding.add(`${name}#${r.pos} ${r.target.action}`);
    });
  }
  for (const [hook, n] of pa)
    if (n > (pb.get(hook) ?? 0)) deciding.add(`policy ${hook} ${after.chains.get(hook)?.policy}`);
  return { deciding, rose };
}

// One family's run: send every flow, read the counters after each, compare with the walk.
async function oracle(
  family: 4 | 6,
  flows: OracleFlow[],
  nsOf: (e: Endpoint) => string,
  ipsets: ReadonlyMap<string, KIpset>,
  log: (s: string) => void,
): Promise<{ failures: string[]; verdicts: Record<string, number> }> {
  const ip = (e: Endpoint) => (family === 4 ? e.live.ip : e.ip6);
  const save = family === 4 ? 'iptables-save' : 'ip6tables-save';
  const job = {
    node: nsOf(ENDPOINTS[0] as Endpoint),
    save,
    flows: flows.map((f) => ({
      ns: nsOf(f.from),
      src: ip(f.from),
      dst: ip(f.to),
      proto: f.proto,
      sport: f.sport,
      dport: f.dport,
    })),
  };
  const started = Date.now();
  const out = await run('python3', [SENDER], JSON.stringify(job));
  const saves = out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { i: number; save: string });
  if (saves.length !== flows.length + 1) throw new Error(`${saves.length} counter reads for ${flows.length} flows`);
  log(
    `IPv${family}: ${flows.length} packets sent and counted in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED})`,
  );
  const tables = saves.map((x) => {
    const p = parseIptablesSave(x.save, save, family, ipsets);
    if (!p.table || p.issues.length > 0) throw new Error(`${save}: ${JSON.stringify(p.issues)}`);
    return { table: p.table, policies: policyCounts(x.save) };
  });
  const live = (tables[0] as (typeof tables)[number]).table;
  const failures: string[] = [];
  const verdicts: Record<string, number> = {};
  flows.forEach((f, i) => {
    const b = tables[i] as (typeof tables)[number];
    const a = tables[i + 1] as (typeof tables)[number];
    const obs = observed(b.table, a.table, b.policies, a.policies, stateOf(f, family));
    const end = (e: Endpoint): LiveEndpoint => ({ ...e.live, ip: ip(e) });
    const input: LiveFlowInput = { from: end(f.from), to: end(f.to), proto: f.proto, dport: f.dport, sport: f.sport };
    const w = walkFlow(live, input);
    const walked = new Set(
      (w?.hops ?? []).map((h) =>
        h.rule ? `${h.rule.chain}#${h.rule.pos} ${h.action}` : `policy ${h.hop.hook} ${h.action}`,
      ),
    );
    const missing = (w?.matched ?? []).map((r) => `${r.chain}#${r.pos}`).filter((k) => !obs.rose.has(k));
    const what = `${f.id} ${f.from.name} ${ip(f.from)} ${f.sport} -> ${f.to.name} ${ip(f.to)} ${f.proto} ${f.dport}`;
    if (!w || w.action === 'unknown')
      failures.push(`${what}: the walk could not decide (${w?.decided.why}); kernel: ${[...obs.deciding].join(', ')}`);
    else if ([...walked].sort().join(' | ') !== [...obs.deciding].sort().join(' | '))
      failures.push(
        `${what}: walk ${[...walked].join(', ')}; kernel ${[...obs.deciding].join(', ') || 'nothing counted'}`,
      );
    else if (missing.length > 0)
      failures.push(`${what}: the walk matched ${missing.join(', ')}, whose counters did not rise`);
    verdicts[w?.action ?? 'none'] = (verdicts[w?.action ?? 'none'] ?? 0) + 1;
    if (w?.matched.some((r) => r.text.includes('--match-set'))) verdicts.viaIpset = (verdicts.viaIpset ?? 0) + 1;
  });
  log(`IPv${family} verdicts: ${JSON.stringify(verdicts)}`);
  return { failures, verdicts };
}

e2e(
  'kernel oracle: the live walk names the rule that took each of a few hundred real packets (IPv4 and IPv6)',
  async (t) => {
    t.timeout(600_000);
    const l = await labUp('oracle', { prefix: 'pa-h10o', index: 30 });
    try {
      const env = readFileSync(join(l.stateDir, 'lab.env'), 'utf8');
      const pids = new Map(
        (/^GUEST_PIDS="?([^"\n]*)"?$/m.exec(env)?.[1] ?? '').split(' ').map((p) => {
          const [vmid, pid] = p.split(':');
          return [Number(vmid), Number(pid)] as const;
        }),
      );
      const nsOf = (e: Endpoint) => `/proc/${e.vmid === null ? l.sshdPid : pids.get(e.vmid)}/ns/net`;
      const inNs = (e: Endpoint, cmd: string[]) => run('nsenter', [`--net=${nsOf(e)}`, '--', ...cmd]);
      const sh = (e: Endpoint, script: string) => inNs(e, ['sh', '-c', script]);
      const node = ENDPOINTS[0] as Endpoint;
      // IPv6 on the lab (which is IPv4 only): fd00::/64 addresses without duplicate detection, no
      // router solicitations (they would count during the run), bridged IPv6 through ip6tables, and
      // the ruleset loaded with ip6tables-restore.
      await sh(node, 'sysctl -qw net.bridge.bridge-nf-call-ip6tables=1 && ip -6 addr add fd00::1/64 dev vmbr0 nodad');
      await run('nsenter', [`--net=${nsOf(node)}`, '--', 'sh', '-c', `ip6tables-restore < '${V6_RULES}'`]);
      for (const e of ENDPOINTS) {
        await sh(e, 'for f in /proc/sys/net/ipv6/conf/*/router_solicitations; do echo 0 > "$f"; done');
        if (e.vmid !== null) await sh(e, `ip -6 addr add ${e.ip6}/64 dev eth0 nodad`);
      }
      // Static neighbours everywhere (no ARP or NDP on the way of a counted packet), and guests that
      // never answer (their own raw tables drop what reaches them): the node's counters then see each
      // flow's one packet and only the node's own replies.
      const vmbrMac = /link\/ether (\S+)/.exec(await inNs(node, ['ip', '-o', 'link', 'show', 'vmbr0']))?.[1];
      if (!vmbrMac) throw new Error('no vmbr0 MAC');
      for (const e of ENDPOINTS) {
        const dev = e.vmid === null ? 'vmbr0' : 'eth0';
        for (const o of ENDPOINTS) {
          if (o === e) continue;
          const mac = o.vmid === null ? vmbrMac : (o.live.mac as string);
          for (const addr of [o.live.ip, o.ip6])
            await inNs(e, ['ip', 'neigh', 'replace', addr, 'lladdr', mac, 'dev', dev, 'nud', 'permanent']);
        }
        if (e.vmid !== null) {
          await inNs(e, ['iptables', '-t', 'raw', '-A', 'PREROUTING', '-j', 'DROP']);
          await inNs(e, ['ip6tables', '-t', 'raw', '-A', 'PREROUTING', '-j', 'DROP']);
        }
      }

      // ipsets, as pve-firewall uses them for IPSET and alias rules: a hash:net with a nomatch
      // entry inside a covered prefix, a hash:ip, an IPv6 hash:net, matched as source, negated too
      for (const line of IPSET_RESTORE) await inNs(node, ['ipset', ...line.split(' ')]);
      for (const line of SET_RULES) await inNs(node, line.split(' '));
      const sets = parseIpsetSave(await inNs(node, ['ipset', 'save']), 'ipset save');
      if (sets.issues.length > 0) throw new Error(`ipset save: ${JSON.stringify(sets.issues)}`);

      const v4 = await oracle(4, generate(SEED, FLOWS, 4), nsOf, sets.sets, (x) => t.log(x));
      const v6 = await oracle(6, generate(SEED + 1, FLOWS6, 6), nsOf, sets.sets, (x) => t.log(x));
      const failures = [...v4.failures, ...v6.failures];
      t.deepEqual(failures, [], `${failures.length} flows disagree:\n${failures.join('\n')}`);
      // the seeded flows exercise every verdict
      // and the ipset rules decide some of them, in both families
      t.true(
        (v4.verdicts.viaIpset ?? 0) > 5 && (v6.verdicts.viaIpset ?? 0) > 0,
        JSON.stringify([v4.verdicts, v6.verdicts]),
      );
      for (const { verdicts } of [v4, v6])
        t.true(
          (verdicts.ACCEPT ?? 0) > 10 && (verdicts.DROP ?? 0) > 10 && (verdicts.REJECT ?? 0) > 3,
          JSON.stringify(verdicts),
        );
    } finally {
      await l.down();
    }
  },
);
