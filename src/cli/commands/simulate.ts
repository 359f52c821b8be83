import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clusterRulesApply, clusterRulesMatchingGuestFlow } from '../../firewall/cluster-guest.js';
import { EXPANSION_ZONES, type HarnessTest, parseHarnessLine } from '../../firewall/harness.js';
import { buildModel } from '../../firewall/model.js';
import { simulate } from '../../firewall/simulate.js';
import type { FirewallModel } from '../../firewall/types.js';
import { PveauditError } from '../../lib/errors.js';
import { parsePveTree } from '../../parse/pve-tree.js';
import type { SimFlow, SimResult } from '../../schema/pve.js';
import type { Io } from '../io.js';

export interface SimulateOptions {
  pveDir: string;
  from?: string;
  to?: string;
  proto?: string;
  dport?: string;
  sport?: string;
  source?: string;
  dest?: string;
  tests?: string;
  hostIp?: string;
  localNetwork?: string;
  json?: boolean;
  nodename?: string;
}

const WANTED =
  /^(?:firewall\/[^/]+\.fw|nodes\/[^/]+\/host\.fw|nodes\/[^/]+\/(?:lxc|qemu-server)\/\d+\.conf|corosync\.conf)$/;

// The /etc/pve-like files simulate needs, as relative path -> text.
export function readPveDir(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string, depth: number) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory() && depth < 4) walk(p, depth + 1);
      else if (st.isFile() && WANTED.test(relative(dir, p))) files.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir, 0);
  return files;
}

function usage(io: Io, msg: string): number {
  io.err(`pveaudit simulate: ${msg}`);
  io.err(
    'usage: pveaudit simulate --pve-dir DIR (--from ZONE --to ZONE [--proto tcp|udp|icmp] [--dport N] [--sport N] [--source IP] [--dest IP] | --tests FILE) [--host-ip IP] [--local-network CIDR] [--json]',
  );
  return 2;
}

const where = (r: SimResult) =>
  r.decidedBy.file
    ? `${r.decidedBy.file}${r.decidedBy.line ? `:${r.decidedBy.line}` : ''}`
    : r.decidedBy.kind === 'default'
      ? 'built-in'
      : '';

function human(r: SimResult): string {
  const lines = [
    `ACTION: ${r.action}`,
    `decided by (${r.decidedBy.kind}): ${where(r)}${where(r) ? '  ' : ''}${r.decidedBy.text}`,
    `packet: ${r.packet.proto} ${r.packet.source} -> ${r.packet.dest}${r.packet.dport ? ` dport ${r.packet.dport}` : ''}`,
    'trace:',
    ...r.trace.map((t) => `  ${t}`),
  ];
  return lines.join('\n');
}

// `pveaudit simulate`: one flow, or a pve test-harness `tests` file. Returns the exit code.
export async function simulateCommand(opts: SimulateOptions, io: Io): Promise<number> {
  let st: ReturnType<typeof statSync> | null = null;
  try {
    st = statSync(opts.pveDir);
  } catch {
    st = null;
  }
  if (!st?.isDirectory())
    return usage(
      io,
      `--pve-dir ${opts.pveDir}: no such directory (expected an /etc/pve-like tree with firewall/ and nodes/<node>/)`,
    );
  if (!opts.tests && !(opts.from && opts.to)) return usage(io, 'give --from and --to, or --tests FILE');
  const files = readPveDir(opts.pveDir);
  const tree = parsePveTree(files, { nodename: opts.nodename, hostIp: opts.hostIp, localNetwork: opts.localNetwork });
  if (!opts.json) {
    for (const i of tree.issues.filter((x) => x.severity === 'error'))
      io.err(`warning: ${i.file}${i.line ? `:${i.line}` : ''}: ${i.message}`);
  }
  const model = buildModel(tree.config, { root: opts.pveDir.replace(/\/+$/, '') });
  try {
    if (opts.tests) return runTests(model, opts, io);
    const proto = (opts.proto ?? 'tcp').toLowerCase();
    if (!['tcp', 'udp', 'icmp', 'icmpv6'].includes(proto))
      return usage(io, `--proto ${opts.proto}: expected tcp, udp, icmp or icmpv6`);
    for (const [flag, v] of [
      ['--dport', opts.dport],
      ['--sport', opts.sport],
    ] as const) {
      if (
        v !== undefined &&
        proto !== 'icmp' &&
        proto !== 'icmpv6' &&
        !(/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535)
      ) {
        return usage(io, `${flag} ${v}: expected a port number 1-65535`);
      }
    }
    const flow: SimFlow = {
      from: opts.from as string,
      to: opts.to as string,
      proto: proto as SimFlow['proto'],
      ...(opts.dport !== undefined ? { dport: /^\d+$/.test(opts.dport) ? Number(opts.dport) : opts.dport } : {}),
      ...(opts.sport !== undefined ? { sport: Number(opts.sport) } : {}),
      ...(opts.source ? { source: opts.source } : {}),
      ...(opts.dest ? { dest: opts.dest } : {}),
    };
    const r = simulate(model, flow);
    io.out(opts.json ? JSON.stringify(r, null, 2) : human(r));
    if (!opts.json && !clusterRulesApply(model, flow)) {
      for (const rule of clusterRulesMatchingGuestFlow(model, flow)) {
        io.out(
          `note: ${rule.file}:${rule.line} "${rule.text}" matches this flow, but cluster.fw [RULES] apply only to traffic to and from the node itself, never to guest traffic`,
        );
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof PveauditError) return usage(io, e.message);
    throw e;
  }
}

function runTests(model: FirewallModel, opts: SimulateOptions, io: Io): number {
  let text: string;
  try {
    text = readFileSync(opts.tests as string, 'utf8');
  } catch {
    return usage(io, `--tests ${opts.tests}: cannot read the file`);
  }
  const tests: HarnessTest[] = [];
  const bad: string[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const t = parseHarnessLine(l, i + 1);
    if (t && 'error' in t) bad.push(`${opts.tests}:${i + 1}: ${t.error}`);
    else if (t) tests.push(t);
  });
  if (bad.length > 0) {
    for (const b of bad) io.err(b);
    return 2;
  }
  let passed = 0;
  let failed = 0;
  let errors = 0;
  const results: Array<{
    line: number;
    flow: SimFlow;
    expected: string;
    result?: SimResult;
    error?: string;
    ok: boolean;
  }> = [];
  for (const t of tests) {
    const expanded = t.flows.length > 1;
    for (const flow of t.flows) {
      const zone = expanded
        ? EXPANSION_ZONES.includes(flow.to) && t.flows.every((f) => f.from === flow.from)
          ? flow.to
          : flow.from
        : null;
      const g = zone ? /^(?:vm|ct)(\d+)$/.exec(zone) : null;
      if (g && !model.guests.has(Number(g[1]))) continue; // harness expansion zone absent from this tree
      const label = `${opts.tests}:${t.line}: ${flow.from} -> ${flow.to} ${flow.proto}${flow.dport !== undefined ? ` ${flow.dport}` : ''}`;
      try {
        const r = simulate(model, flow);
        const ok = t.action === 'QUERY' || r.action === t.action;
        if (ok) passed++;
        else failed++;
        results.push({ line: t.line, flow, expected: t.action, result: r, ok });
        if (!opts.json) {
          const status = t.action === 'QUERY' ? 'QUERY' : ok ? 'PASS' : 'FAIL';
          const exp = ok ? '' : ` (expected ${t.action})`;
          io.out(`${status} ${label}: ${r.action}${exp} by ${where(r)} ${r.decidedBy.text}`);
          if (!ok) for (const tr of r.trace) io.out(`    ${tr}`);
        }
      } catch (e) {
        if (!(e instanceof PveauditError)) throw e;
        errors++;
        results.push({ line: t.line, flow, expected: t.action, error: e.message, ok: false });
        if (!opts.json) io.out(`ERROR ${label}: ${e.message}`);
      }
    }
  }
  if (opts.json) io.out(JSON.stringify({ passed, failed, errors, results }, null, 2));
  else io.out(`${passed} passed, ${failed + errors} failed`);
  return errors > 0 ? 2 : failed > 0 ? 1 : 0;
}
