// Firewall simulator benchmark: `npm run bench:firewall` (node --import tsx scripts/bench/firewall.ts).
// Generates a large /etc/pve tree (rules, ipsets, guests), then times random flows through
// simulate(); repeats with twice the rules and twice the ipset entries to show how time grows.
import { buildModel } from '../../src/firewall/model.js';
import { simulate } from '../../src/firewall/simulate.js';
import { parsePveTree } from '../../src/parse/pve-tree.js';
import type { SimFlow } from '../../src/schema/pve.js';

interface Size {
  clusterRules: number;
  guestRules: number; // per guest
  ipsets: number;
  entriesPerSet: number;
  guests: number;
}

let seed = 42;
const rnd = (n: number) => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};
const ip = (a: number) => `10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}`;

function tree(s: Size): Map<string, string> {
  const files = new Map<string, string>();
  const c = ['[OPTIONS]', 'enable: 1', 'policy_in: DROP', '', '[ALIASES]', 'lan 10.0.0.0/16', ''];
  for (let i = 0; i < s.ipsets; i++) {
    c.push(`[IPSET set${i}]`);
    for (let j = 0; j < s.entriesPerSet; j++)
      c.push(`${rnd(10) === 0 ? '!' : ''}${ip(0x100000 + i * 4096 + j * 4)}${rnd(3) === 0 ? '/30' : ''}`);
    c.push('');
  }
  c.push('[RULES]');
  for (let i = 0; i < s.clusterRules; i++) {
    const src = rnd(2) ? ` -source +set${rnd(s.ipsets)}` : ` -source ${ip(rnd(1 << 20))}`;
    c.push(`IN ${rnd(2) ? 'ACCEPT' : 'DROP'} -p tcp -dport ${1000 + rnd(60000)}${src}`);
  }
  c.push('', '[group web]', 'IN ACCEPT -p tcp -dport 80', 'IN ACCEPT -p tcp -dport 443');
  files.set('firewall/cluster.fw', c.join('\n'));
  for (let g = 0; g < s.guests; g++) {
    const vmid = 1000 + g;
    const lxc = g % 2 === 0;
    const addr = ip(g + 2);
    files.set(
      `nodes/pve/${lxc ? 'lxc' : 'qemu-server'}/${vmid}.conf`,
      lxc
        ? `hostname: ct${vmid}\nnet0: name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:00:01,ip=${addr}/16,type=veth\n`
        : `name: vm${vmid}\nnet0: virtio=BC:24:11:00:00:02,bridge=vmbr0,firewall=1\nipconfig0: ip=${addr}/16\n`,
    );
    const r = ['[OPTIONS]', 'enable: 1', '', '[RULES]', 'GROUP web'];
    for (let i = 1; i < s.guestRules; i++)
      r.push(
        `${rnd(3) ? 'IN' : 'OUT'} ACCEPT -p tcp -dport ${1 + rnd(9000)}${rnd(2) ? ` -source +set${rnd(s.ipsets)}` : ''}`,
      );
    files.set(`firewall/${vmid}.fw`, r.join('\n'));
  }
  files.set('corosync.conf', 'nodelist {\n  node {\n    name: pve\n    ring0_addr: 10.0.0.1\n  }\n}\n');
  return files;
}

function flows(n: number, s: Size): SimFlow[] {
  const out: SimFlow[] = [];
  const zone = (): [string, number] => {
    const k = rnd(10);
    if (k === 0) return ['host', -1];
    if (k === 1) return ['outside', -2];
    const g = rnd(s.guests);
    return [k < 6 ? `${g % 2 === 0 ? 'ct' : 'vm'}${1000 + g}` : ip(g + 2), g];
  };
  while (out.length < n) {
    const [from, a] = zone();
    const [to, b] = zone();
    if (a === b) continue;
    out.push({
      from,
      to,
      proto: rnd(5) === 0 ? 'udp' : 'tcp',
      dport: 1 + rnd(65000),
      source: rnd(2) ? ip(0x100000 + rnd(1 << 19)) : undefined,
    });
  }
  return out;
}

function run(label: string, s: Size, n: number, quiet = false): number {
  const t0 = performance.now();
  const { config } = parsePveTree(tree(s));
  const model = buildModel(config);
  const build = performance.now() - t0;
  const fs = flows(n, s);
  for (const f of fs.slice(0, 2000)) simulate(model, f); // warm-up
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const tally = { ACCEPT: 0, DROP: 0, REJECT: 0 };
  for (const f of fs) tally[simulate(model, f).action]++;
  const cpu = process.cpuUsage(c1);
  const wall = (performance.now() - t1) / 1000;
  // CPU time, not wall time: the figure should not depend on what else the machine runs.
  const secs = (cpu.user + cpu.system) / 1e6;
  const rules = s.clusterRules + s.guests * s.guestRules;
  if (!quiet)
    console.log(
      `${label.padEnd(22)} rules=${rules} ipset-entries=${s.ipsets * s.entriesPerSet} guests=${s.guests}: ` +
        `build ${build.toFixed(0)} ms, ${Math.round(n / secs).toLocaleString('en')} decisions/s of CPU ` +
        `(${Math.round(n / wall).toLocaleString('en')}/s wall) ` +
        `(${((secs * 1e6) / n).toFixed(2)} µs each; ${tally.ACCEPT} accept, ${tally.DROP} drop, ${tally.REJECT} reject)`,
    );
  return secs / n;
}

const N = Number(process.argv[2] ?? 100_000);
const base: Size = { clusterRules: 600, guestRules: 5, ipsets: 200, entriesPerSet: 50, guests: 300 };
let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
run('warm-up (JIT)', base, N, true);
const t = run('base', base, N);
const t2r = run('rules x2', { ...base, clusterRules: base.clusterRules * 2, guestRules: base.guestRules * 2 }, N);
const t2i = run('ipset entries x2', { ...base, entriesPerSet: base.entriesPerSet * 2 }, N);
clearInterval(sample);
peak = Math.max(peak, process.memoryUsage().rss);
console.log(`time per decision: rules x2 -> x${(t2r / t).toFixed(2)}, ipset entries x2 -> x${(t2i / t).toFixed(2)}`);
console.log(
  `peak memory: rss ${(peak / 2 ** 20).toFixed(0)} MiB (sampled), maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
