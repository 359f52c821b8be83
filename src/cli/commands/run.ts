import { join } from 'node:path';
import { runPool } from '../../collect/pool.js';
import { loadIntent, loadPhoenix } from '../../intent/load.js';
import { UsageError } from '../../lib/errors.js';
import { TOOL } from '../../lib/version.js';
import { loadAuditFile } from '../../plan/audit-file.js';
import { buildPlan } from '../../plan/build-plan.js';
import { limitHosts, loadInventory } from '../../plan/inventory.js';
import { printPlan } from '../../plan/print.js';
import { joinArgv } from '../../plan/quote.js';
import type { Target } from '../../plan/targets.js';
import { resolveTargets } from '../../plan/targets.js';
import type { Severity } from '../../schema/common.js';
import { SEVERITIES } from '../../schema/common.js';
import { auditHost, failed, type HostOutcome } from '../audit-host.js';
import { type Io, paint } from '../io.js';
import { openPrinterIfNeeded, parseFormats, parsePaper } from '../pipeline.js';
import { createProgress } from '../progress.js';

export interface RunOptions {
  inventory: string;
  audit: string;
  limit?: string;
  out?: string;
  format?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
  forks?: number;
  failOn?: string;
  dryRun?: boolean;
  paper?: string;
  json?: boolean;
}

// `pveaudit run`: every input is read and checked before the first connection; then each host is
// audited (at most --forks at a time) into its own report directory.
export async function runCommand(opts: RunOptions, io: Io, signal?: AbortSignal): Promise<number> {
  const forks = opts.forks ?? 5;
  if (!Number.isInteger(forks) || forks < 1)
    throw new UsageError(`--forks must be a whole number >= 1, not ${opts.forks}`);
  const failOn = opts.failOn === undefined ? null : (opts.failOn as Severity);
  if (failOn !== null && !SEVERITIES.includes(failOn)) {
    throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}, not "${opts.failOn}"`);
  }
  const formats = parseFormats(opts.format);
  const paper = parsePaper(opts.paper);
  const audit = await loadAuditFile(opts.audit);
  const inventory = await loadInventory(opts.inventory);
  const targets = resolveTargets(inventory, limitHosts(inventory, opts.limit));
  if (opts.dryRun && opts.json) {
    const plans = targets.map((t) => ({
      host: t.name,
      address: t.address,
      port: t.port,
      user: t.user,
      steps: buildPlan(audit.audit, t.name).steps.map((s) => ({ id: s.id, command: s.command, when: s.when ?? null })),
    }));
    io.out(JSON.stringify({ tool: TOOL.name, version: TOOL.version, dryRun: true, hosts: plans }, null, 2));
    return 0;
  }
  if (opts.dryRun) {
    for (const t of targets) {
      io.out(`# ${t.name}: ${t.user}@${t.address}:${t.port} (dry run: nothing was run)`);
      for (const line of printPlan(buildPlan(audit.audit, t.name))) io.out(line);
    }
    return 0;
  }
  if (audit.audit.intent) await loadIntent(audit.audit.intent);
  if (audit.audit.phoenix) await loadPhoenix(audit.audit.phoenix);

  // The signal handlers come first: nothing started after them can end the process on a signal.
  const own = signal ? null : interruptOnSignals();
  const abort = signal ?? (own as AbortController).signal;
  // Chromium is started before the first connection: a missing browser must not cost an audit.
  const printer = openPrinterIfNeeded(formats);
  try {
    await printer;
  } catch (err) {
    own?.dispose();
    throw err;
  }
  if (abort.aborted) {
    await (await printer)?.close();
    own?.dispose();
    for (const t of targets) io.out(`${t.name}: not started (interrupted)`);
    return 2;
  }
  const progress = await createProgress(
    io,
    targets.map((t) => t.name),
  );
  // One browser serves every host's PDFs.
  const getPrinter = () => printer;
  const host = {
    audit,
    formats,
    paper,
    getPrinter,
    progress,
    signal: abort,
    out: opts.out ?? 'reports',
    knownHostsPath: opts.knownHosts ?? null,
    acceptNew: Boolean(opts.acceptNewHostKeys),
    failOn,
    // The proof step of every remediation: this very audit again, for this host.
    rerun: (name: string) =>
      `${joinArgv(['pveaudit', 'run', '-i', opts.inventory, '-a', opts.audit, ...(opts.knownHosts ? ['--known-hosts', opts.knownHosts] : []), '--limit', name])}`,
  };
  // The fleet index's modules (Handlebars among them) load while the hosts are audited, mostly waiting
  // on the network, instead of after the last one.
  const indexWriter = import('../../fleet/write.js');
  indexWriter.catch(() => undefined);
  let outcomes: HostOutcome[];
  try {
    outcomes = await runPool(targets, forks, (t) => auditHost(t, host).catch((err: unknown) => failed(t, err)));
  } finally {
    progress.done();
    await (await printer)?.close();
    own?.dispose();
  }
  // With --json stdout carries only the JSON document; the human lines move to stderr.
  const human = (text: string) => {
    if (io.level === 'quiet') return;
    if (opts.json) io.err(text);
    else io.out(text);
  };
  targets.forEach((t, i) => {
    const o = outcomes[i];
    human(o ? colourLine(io, o) : `${t.name}: not started (interrupted)`);
    if (o?.error) io.err(`pveaudit: ${o.error}`);
  });
  await rewriteIndex(indexWriter, host.out, human, io);
  if (opts.json) io.out(JSON.stringify(jsonSummary(targets, outcomes), null, 2));
  if (outcomes.length < targets.length || outcomes.some((o) => o?.code === 2)) return 2;
  return outcomes.some((o) => o.code === 1) ? 1 : 0;
}

// Every run leaves the fleet overview current; failing to write it never fails the audit.
async function rewriteIndex(
  writer: Promise<typeof import('../../fleet/write.js')>,
  out: string,
  say: (text: string) => void,
  io: Io,
): Promise<void> {
  try {
    const { writeFleetIndex } = await writer;
    await writeFleetIndex(out);
    say(`fleet index: ${join(out, 'index.html')}`);
  } catch (err) {
    io.err(`pveaudit: note: could not rewrite ${join(out, 'index.html')}: ${(err as Error).message}`);
  }
}

// Ctrl-C and SIGTERM abort the run; cleanup on the node still happens before the process exits.
function interruptOnSignals(): AbortController & { dispose(): void } {
  const ctl = new AbortController();
  // A second Ctrl-C, or a closed terminal (SIGHUP), must not cut the node's cleanup short: the
  // handlers stay installed until the run is over, and cleanup is bounded by its own timeouts.
  const onSignal = () => {
    if (ctl.signal.aborted) process.stderr.write('pveaudit: still removing the capture from the node; please wait\n');
    ctl.abort();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  return Object.assign(ctl, {
    dispose() {
      for (const s of signals) process.off(s, onSignal);
    },
  });
}

// The summary line with its status coloured (when the terminal wants colour).
function colourLine(io: Io, o: HostOutcome): string {
  const style = o.code === 2 ? 'red' : o.code === 1 ? 'yellow' : 'green';
  return o.line.replace(/^([^:]+: )(\S+)/, (_m, host: string, status: string) => `${host}${paint(io, style, status)}`);
}

// `run --json`: one entry per host in inventory order, with the exit code each host alone would give.
export function jsonSummary(targets: Target[], outcomes: (HostOutcome | undefined)[]) {
  const hosts = targets.map((t, i) => {
    const o = outcomes[i];
    return {
      host: t.name,
      address: t.address,
      exitCode: o?.code ?? 2,
      status: o?.report?.status ?? (o ? 'failed' : 'not-started'),
      summary: o?.report?.summary ?? null,
      rootCause: o?.report?.rootCause ?? null,
      reportDir: o?.report?.dir ?? null,
      error: o?.error ?? null,
    };
  });
  return { tool: TOOL.name, version: TOOL.version, hosts };
}
