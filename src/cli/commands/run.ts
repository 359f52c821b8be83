import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { type BundleWriter, openBundleWriter } from '../../bundle/index.js';
import { runPool } from '../../collect/pool.js';
import { collectHost, NOT_PROXMOX } from '../../collect/run-plan.js';
import { connect, type SshSession } from '../../collect/ssh.js';
import { loadIntent, loadPhoenix } from '../../intent/load.js';
import { PveauditError, UsageError } from '../../lib/errors.js';
import { type LoadedAudit, loadAuditFile } from '../../plan/audit-file.js';
import { buildPlan } from '../../plan/build-plan.js';
import { limitHosts, loadInventory } from '../../plan/inventory.js';
import { printPlan } from '../../plan/print.js';
import { joinArgv } from '../../plan/quote.js';
import { resolveTargets, type Target } from '../../plan/targets.js';
import type { Format } from '../../render/index.js';
import type { PdfPrinter } from '../../render/pdf.js';
import type { Severity } from '../../schema/common.js';
import { SEVERITIES } from '../../schema/common.js';
import type { Report } from '../../schema/report.js';
import type { Io } from '../io.js';
import { analyseBundleDir, openPrinterIfNeeded, parseFormats, writeReports } from '../pipeline.js';
import { createProgress, type Progress } from '../progress.js';

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
}

interface HostOutcome {
  code: 0 | 1 | 2;
  line: string; // the summary line on stdout
  error?: string; // the one-line error on stderr
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
  const audit = await loadAuditFile(opts.audit);
  const inventory = await loadInventory(opts.inventory);
  const targets = resolveTargets(inventory, limitHosts(inventory, opts.limit));
  if (opts.dryRun) {
    for (const t of targets) {
      io.out(`# ${t.name}: ${t.user}@${t.address}:${t.port} (dry run: nothing was run)`);
      for (const line of printPlan(buildPlan(audit.audit, t.name))) io.out(line);
    }
    return 0;
  }
  if (audit.audit.intent) await loadIntent(audit.audit.intent);
  if (audit.audit.phoenix) await loadPhoenix(audit.audit.phoenix);

  // Chromium is started before the first connection: a missing browser must not cost an audit.
  const printer = openPrinterIfNeeded(formats);
  await printer;
  const own = signal ? null : interruptOnSignals();
  const abort = signal ?? (own as AbortController).signal;
  const progress = createProgress(
    io,
    targets.map((t) => t.name),
  );
  // One browser serves every host's PDFs.
  const getPrinter = () => printer;
  const host = {
    audit,
    formats,
    getPrinter,
    progress,
    signal: abort,
    out: opts.out ?? 'reports',
    knownHostsPath: opts.knownHosts ?? join(homedir(), '.ssh', 'known_hosts'),
    acceptNew: Boolean(opts.acceptNewHostKeys),
    failOn,
    // The proof step of every remediation: this very audit again, for this host.
    rerun: (name: string) =>
      `${joinArgv(['pveaudit', 'run', '-i', opts.inventory, '-a', opts.audit, ...(opts.knownHosts ? ['--known-hosts', opts.knownHosts] : []), '--limit', name])}   # re-run this audit: expect this finding gone`,
  };
  let outcomes: HostOutcome[];
  try {
    outcomes = await runPool(targets, forks, (t) => auditHost(t, host).catch((err: unknown) => failed(t, err)));
  } finally {
    progress.done();
    await (await printer)?.close();
    own?.dispose();
  }
  targets.forEach((t, i) => {
    const o = outcomes[i];
    io.out(o?.line ?? `${t.name}: not started (interrupted)`);
    if (o?.error) io.err(`pveaudit: ${o.error}`);
  });
  if (outcomes.length < targets.length || outcomes.some((o) => o?.code === 2)) return 2;
  return outcomes.some((o) => o.code === 1) ? 1 : 0;
}

interface HostRun {
  audit: LoadedAudit;
  formats: Format[];
  getPrinter: () => Promise<PdfPrinter | undefined>;
  progress: Progress;
  signal: AbortSignal;
  out: string;
  knownHostsPath: string;
  acceptNew: boolean;
  failOn: Severity | null;
  rerun: (host: string) => string;
}

async function auditHost(target: Target, run: HostRun): Promise<HostOutcome> {
  if (run.signal.aborted) return { code: 2, line: `${target.name}: not started (interrupted)` };
  const startedAt = new Date();
  run.progress.note(target.name, 'connecting');
  const open = () => connect(target, { knownHostsPath: run.knownHostsPath, acceptNew: run.acceptNew });
  const session = await open();
  const writer = await openBundleWriter({ reportsRoot: run.out, host: target.name, startedAt });
  const sessions: SshSession[] = [session];
  try {
    const auditRecord = await keepIntent(writer, run.audit);
    const result = await collectHost({
      session,
      reconnect: async () => {
        const s = await open();
        sessions.push(s);
        return s;
      },
      writer,
      audit: run.audit.audit,
      host: target.name,
      signal: run.signal,
      onEvent: (e) => run.progress.step(target.name, e.step, e.state),
    });
    if (result.aborted) {
      await writer.abort();
      return {
        code: 2,
        line: `${target.name}: interrupted; nothing written, capture stopped and removed from the node`,
      };
    }
    run.progress.note(target.name, 'rendering');
    const manifest = {
      host: {
        name: target.name,
        address: target.address,
        port: target.port,
        user: target.user,
        hostKeyFingerprint: session.hostKeyFingerprint,
      },
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      source: 'ssh' as const,
      plan: result.plan.steps.map((s) => ({ id: s.id, kind: s.kind, command: s.command })),
      steps: result.steps,
      redactions: result.redactions,
      audit: auditRecord,
    };
    await writer.seal(manifest);
    let report: Report;
    let outputs: Record<string, Buffer | string>;
    try {
      report = await analyseBundleDir(writer.dir, { rerun: run.rerun(target.name) });
      outputs = await writeReports(writer.dir, report, run.formats, await run.getPrinter());
    } catch (err) {
      // What was collected is kept: it can be rendered later, offline.
      const dir = await writer.finish(manifest, {});
      const why = err instanceof Error ? err.message : String(err);
      return {
        code: 2,
        line: `${target.name}: evidence kept in ${dir}, but no report was rendered`,
        error: `${target.name}: rendering failed: ${why}; re-render with: pveaudit render ${dir}`,
      };
    }
    const dir = await writer.finish(manifest, outputs);
    run.progress.note(target.name, `done: ${report.status}`);
    return summarise(target, report, dir, run.failOn, result);
  } catch (err) {
    await writer.abort();
    throw err;
  } finally {
    for (const s of sessions) s.close();
  }
}

// The intent the run compared against travels in the bundle, so `render` needs nothing else.
async function keepIntent(writer: BundleWriter, loaded: LoadedAudit): Promise<unknown> {
  const { audit } = loaded;
  if (audit.intent) {
    const path = `intent/${basename(audit.intent)}`;
    await writer.addEvidence(path, await readFile(audit.intent), null);
    return { ...audit, intent: path };
  }
  if (audit.phoenix) {
    for (const name of (await readdir(audit.phoenix)).filter((n) => n.endsWith('.json')).sort()) {
      const src = join(audit.phoenix, name);
      if ((await stat(src)).isFile()) await writer.addEvidence(`intent/phoenix/${name}`, await readFile(src), null);
    }
    return { ...audit, phoenix: 'intent/phoenix' };
  }
  return audit;
}

function summarise(
  target: Target,
  report: Report,
  dir: string,
  failOn: Severity | null,
  result: { notProxmox: boolean; lost: boolean },
): HostOutcome {
  const s = report.summary;
  const counts = `${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low, ${s.info} info`;
  const why = result.notProxmox
    ? ` (E_NOT_PROXMOX: ${NOT_PROXMOX})`
    : result.lost
      ? ' (E_CONNECTION: the connection was lost; the report holds what was collected)'
      : report.status === 'incomplete'
        ? ` (missing: ${report.incompleteSteps.map((m) => m.step).join(', ')})`
        : '';
  const line = `${target.name}: ${report.status}${why}, ${counts}, ${dir}`;
  if (result.notProxmox) return { code: 2, line, error: `E_NOT_PROXMOX: ${target.name}: ${NOT_PROXMOX}` };
  if (report.status !== 'complete') return { code: 2, line };
  const at = failOn === null ? [] : SEVERITIES.slice(0, SEVERITIES.indexOf(failOn) + 1);
  return { code: at.some((sev) => s[sev] > 0) ? 1 : 0, line };
}

function failed(target: Target, err: unknown): HostOutcome {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof PveauditError ? `${err.code}: ` : '';
  return {
    code: 2,
    line: `${target.name}: failed: ${code}${message.replace(`${target.name}: `, '')}`,
    error: `${code}${message}`,
  };
}

// Ctrl-C and SIGTERM abort the run; cleanup on the node still happens before the process exits.
function interruptOnSignals(): AbortController & { dispose(): void } {
  const ctl = new AbortController();
  const onSignal = () => ctl.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return Object.assign(ctl, {
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  });
}
