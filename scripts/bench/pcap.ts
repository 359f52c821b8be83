// Benchmark: our pcap analysis against `tcpdump -nn -r FILE > /dev/null` on a real capture of at
// least 200 MB, written by tcpdump from traffic generated in namespaces (pcap-capture.sh).
// Runs alternating pairs, each command in its own process under /usr/bin/time for its peak RSS.
// Our side runs pcap-child.ts bundled to plain JS with esbuild (tsx's dependency), so the pairs
// compare reading and decoding, not TypeScript start-up; tsx's start-up is measured once apart.
// Usage (root): npm run bench:pcap -- [--size MB] [--pairs N]
import { spawnSync } from 'node:child_process';
import { openSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const sizeMb = opt('--size', 210);
const pairs = opt('--pairs', 3);
const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const file = `/tmp/pa-bench-${process.pid}.pcap`;
const bundle = `/tmp/pa-bench-child-${process.pid}.mjs`;

interface Run {
  wallS: number;
  rssMb: number;
  stdout: string;
}

// Runs argv under /usr/bin/time (peak RSS in KB on the last stderr line); stdout to /dev/null unless kept.
function timed(argv: string[], keepStdout: boolean): Run {
  const out = keepStdout ? 'pipe' : openSync('/dev/null', 'w');
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', ...argv], {
    cwd: root,
    stdio: ['ignore', out, 'pipe'],
    encoding: 'utf8',
  });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  const kb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  return { wallS, rssMb: kb / 1024, stdout: r.stdout ?? '' };
}

function main(): void {
  if (process.getuid?.() !== 0) throw new Error('run as root: the capture needs network namespaces');
  const cap = spawnSync(`${here}pcap-capture.sh`, [file, String(sizeMb)], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (cap.status !== 0) throw new Error('pcap-capture.sh failed');
  const bytes = statSync(file).size;
  console.log(`capture: ${(bytes / 1e6).toFixed(1)} MB written by tcpdump`);
  const esb = spawnSync(
    `${root}node_modules/.bin/esbuild`,
    [
      `${here}pcap-child.ts`,
      '--bundle',
      '--platform=node',
      '--format=esm',
      `--outfile=${bundle}`,
      '--log-level=warning',
    ],
    { stdio: 'inherit' },
  );
  if (esb.status !== 0) throw new Error('esbuild failed');
  const tcpdump = () => timed(['tcpdump', '-nn', '-r', file], false);
  const ours = () => timed(['node', bundle, file], true);
  const viaTsx = timed(['node', '--import', 'tsx', `${here}pcap-child.ts`, file], true); // also warms the page cache
  ours();
  const rows: { td: Run; us: Run; inner: { packets: number; flows: number; analyseMs: number } }[] = [];
  for (let i = 0; i < pairs; i++) {
    // Alternate which side goes first, so neither always runs on a cache the other just warmed.
    let td: Run;
    let us: Run;
    if (i % 2 === 0) {
      td = tcpdump();
      us = ours();
    } else {
      us = ours();
      td = tcpdump();
    }
    rows.push({ td, us, inner: JSON.parse(us.stdout) });
  }
  console.log('pair  tcpdump -nn -r   ours (process)  ours (analysis)  ratio  tcpdump RSS  our RSS');
  for (const [i, r] of rows.entries())
    console.log(
      `${String(i + 1).padEnd(6)}${r.td.wallS.toFixed(3).padStart(8)} s ${r.us.wallS.toFixed(3).padStart(12)} s ${String(r.inner.analyseMs).padStart(12)} ms ${(r.us.wallS / r.td.wallS).toFixed(2).padStart(6)} ${r.td.rssMb.toFixed(1).padStart(9)} MB ${r.us.rssMb.toFixed(1).padStart(6)} MB`,
    );
  const ratios = rows.map((r) => r.us.wallS / r.td.wallS).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  const peak = Math.max(...rows.map((r) => r.us.rssMb));
  const first = rows[0]!.inner;
  console.log(`packets ${first.packets}, flows ${first.flows}`);
  console.log(`median ratio ours/tcpdump ${median.toFixed(2)} (target <= 1.00: ${median <= 1 ? 'met' : 'NOT met'})`);
  console.log(
    `the same through tsx (as bin/pveaudit.js runs): ${viaTsx.wallS.toFixed(3)} s, ${viaTsx.rssMb.toFixed(1)} MB (first run)`,
  );
  console.log(`our peak RSS ${peak.toFixed(1)} MB (target < 150 MB: ${peak < 150 ? 'met' : 'NOT met'})`);
}

try {
  main();
} finally {
  rmSync(file, { force: true });
  rmSync(bundle, { force: true });
}
