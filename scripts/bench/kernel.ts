// Live-ruleset walk benchmark: `npm run bench:kernel` (node --import tsx scripts/bench/kernel.ts).
// Generates an `iptables-save -c` text shaped like a big Proxmox node (guest chains behind
// PVEFW-FWBR-IN/OUT, rules matching ipsets, multiport, conntrack) plus `ipset save` with 200 sets,
// then times random guest-to-guest and guest-to-host flows through walkFlow(); repeats at twice
// the rules to show how time grows.
import { readFileSync } from 'node:fs';
import { type LiveEndpoint, loadKernel, walkFlow } from '../../src/kernel/index.js';

let seed = 7;
const rnd = (n: number) => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};
const ip = (a: number) => `10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}`;
const mac = (i: number) =>
  `BC:24:11:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase();
const guestIp = (i: number) => ip(0x010000 + i);

const HEAD = readFileSync(new URL('../../test/fixtures/kernel/seed.iptables-save', import.meta.url), 'utf8')
  .split('\n')
  .filter(
    (l) =>
      (!/(tap|veth)\d+i\d+/.test(l) && l !== 'COMMIT' && !/PVESIG:x"$/.test(l)) ||
      /^-A PVEFW-(Drop|Reject|reject|DropBroadcast|smurfs|tcpflags)/.test(l),
  )
  .filter((l) => !/^\[\d+:\d+\] -A PVEFW-FWBR-(IN|OUT) .*physdev/.test(l));

function ruleset(guests: number, rulesPerGuest: number, ipsets: number): { iptables: string; ipset: string } {
  const decl: string[] = [];
  const rules: string[] = [];
  const fwbrIn: string[] = [];
  const fwbrOut: string[] = [];
  for (let g = 0; g < guests; g++) {
    const dev = g % 3 === 0 ? `veth${100 + g}i0` : `tap${100 + g}i0`;
    decl.push(`:${dev}-IN - [0:0]`, `:${dev}-OUT - [0:0]`);
    const r = (chain: string, spec: string) => rules.push(`[${rnd(1000)}:${rnd(100000)}] -A ${chain} ${spec}`);
    r(`${dev}-IN`, `-j CONNMARK --set-xmark 0x${(100 + g).toString(16)}/0xffffffff`);
    r(`${dev}-IN`, '-p udp -m udp --sport 67 --dport 68 -j ACCEPT');
    for (let k = 0; k < rulesPerGuest; k++) {
      const kind = rnd(4);
      const port = 1000 + rnd(60000);
      if (kind === 0)
        r(`${dev}-IN`, `-m set --match-set PVEFW-0-set${rnd(ipsets)}-v4 src -p tcp -m tcp --dport ${port} -j ACCEPT`);
      else if (kind === 1)
        r(
          `${dev}-IN`,
          `-s ${guestIp(rnd(guests))}/32 -p tcp -m multiport --dports ${port},${port + 1},${port + 10}:${port + 20} -j ACCEPT`,
        );
      else if (kind === 2)
        r(`${dev}-IN`, `-s 10.1.0.0/16 -p udp -m udp --dport ${port} -m conntrack --ctstate NEW -j DROP`);
      else r(`${dev}-IN`, `-d ${guestIp(g)}/32 -p tcp -m tcp --dport ${port} -j PVEFW-reject`);
    }
    r(`${dev}-IN`, '-j PVEFW-Drop');
    r(`${dev}-IN`, '-j DROP');
    r(`${dev}-IN`, '-m comment --comment "PVESIG:bench"');
    r(`${dev}-OUT`, `-j CONNMARK --set-xmark 0x${(100 + g).toString(16)}/0xffffffff`);
    r(`${dev}-OUT`, '-p udp -m udp --sport 68 --dport 67 -g PVEFW-SET-ACCEPT-MARK');
    r(`${dev}-OUT`, `-m mac ! --mac-source ${mac(g)} -j DROP`);
    r(`${dev}-OUT`, '-j MARK --set-xmark 0x0/0x80000000');
    r(`${dev}-OUT`, '-g PVEFW-SET-ACCEPT-MARK');
    r(`${dev}-OUT`, '-m comment --comment "PVESIG:bench"');
    fwbrIn.push(`[0:0] -A PVEFW-FWBR-IN -m physdev --physdev-out ${dev} --physdev-is-bridged -j ${dev}-IN`);
    fwbrOut.push(`[0:0] -A PVEFW-FWBR-OUT -m physdev --physdev-in ${dev} --physdev-is-bridged -j ${dev}-OUT`);
  }
  const head = HEAD.filter((l) => l.trim() !== '');
  const at = head.findIndex((l) => l.startsWith(':PVEFW-tcpflags'));
  const iptables = [
    ...head.slice(0, at + 1),
    ...decl,
    ...head.slice(at + 1),
    ...fwbrIn,
    ...fwbrOut,
    ...rules,
    'COMMIT',
    '',
  ].join('\n');
  const sets: string[] = [];
  for (let i = 0; i < ipsets; i++) {
    sets.push(`create PVEFW-0-set${i}-v4 hash:net family inet hashsize 64 maxelem 1024`);
    for (let j = 0; j < 50; j++)
      sets.push(`add PVEFW-0-set${i}-v4 ${ip(0x010000 + rnd(1 << 15))}${rnd(3) === 0 ? '/30' : ''}`);
  }
  return { iptables, ipset: `${sets.join('\n')}\n` };
}

function run(guests: number, rulesPerGuest: number, ipsets: number, flows: number): void {
  const { iptables, ipset } = ruleset(guests, rulesPerGuest, ipsets);
  const t0 = performance.now();
  const k = loadKernel({
    iptables: { file: 'bench', text: iptables },
    iptablesAfter: null,
    ip6tables: null,
    ipset: { file: 'bench', text: ipset },
  });
  const parseMs = performance.now() - t0;
  const table = k.v4;
  if (!table) throw new Error('no table');
  const nrules = [...table.chains.values()].reduce((n, c) => n + c.rules.length, 0);
  const ep = (g: number): LiveEndpoint => {
    const dev = g % 3 === 0 ? `veth${100 + g}i0` : `tap${100 + g}i0`;
    return { kind: 'guest', ip: guestIp(g), bridge: 'vmbr0', dev, firewall: true, mac: mac(g) };
  };
  const host: LiveEndpoint = { kind: 'host', ip: '10.0.0.1', bridge: null, dev: null, firewall: false, mac: null };
  const inputs = Array.from({ length: flows }, () => {
    const from = ep(rnd(guests));
    const to = rnd(10) === 0 ? host : ep(rnd(guests));
    return { from, to, proto: rnd(5) === 0 ? ('udp' as const) : ('tcp' as const), dport: 1000 + rnd(60000) };
  });
  const counts: Record<string, number> = {};
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (const f of inputs) {
    const w = walkFlow(table, f);
    const a = w?.action ?? 'none';
    counts[a] = (counts[a] ?? 0) + 1;
  }
  const wall = (performance.now() - w0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${nrules.toLocaleString('en')} rules, ${guests} guests, ${ipsets} ipsets: parse ${parseMs.toFixed(0)} ms; ${flows.toLocaleString('en')} flows in ${wall.toFixed(2)} s wall / ${cpuSec.toFixed(2)} s CPU = ${Math.round(flows / cpuSec).toLocaleString('en')} decisions per CPU-second (${Object.entries(
      counts,
    )
      .map(([a, n]) => `${a} ${n}`)
      .join(', ')})`,
  );
}

const FLOWS = 200_000;
run(1000, 12, 200, FLOWS); // about 20,000 rules
if (!process.env.BENCH_ONE) run(2000, 12, 200, FLOWS); // twice the rules
if (!process.env.BENCH_ONE) run(1000, 32, 200, FLOWS); // the same node, twice the rules in each guest chain
