import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { type BundleWriter, openBundleWriter } from '../bundle/index.js';
import { collectHost, NOT_PROXMOX } from '../collect/run-plan.js';
import { connect, type SshSession } from '../collect/ssh.js';
import { PHOENIX_FILES } from '../intent/phoenix-schema.js';
import { PveauditError } from '../lib/errors.js';
import { redactSecrets } from '../lib/redact.js';
import type { LoadedAudit } from '../plan/audit-file.js';
import type { Target } from '../plan/targets.js';
import type { Format } from '../render/index.js';
import type { PdfPrinter } from '../render/pdf.js';
import { SEVERITIES, type Severity } from '../schema/common.js';
import type { Report } from '../schema/report.js';
import { analyseBundleDir, type Paper, writeReports } from './pipeline.js';
import type { Progress } from './progress.js';

// One host of `pveaudit run`: connect, collect into a bundle, analyse, render, finish the bundle.

export interface HostOutcome {
  code: 0 | 1 | 2;
  line: string; // the summary line on stdout
  error?: string; // the one-line error on stderr
  // what `run --json` prints for the host when a report was written
  report?: { status: Report['status']; summary: Report['summary']; dir: string; rootCause: string | null };
}

export interface HostRun {
  audit: LoadedAudit;
  formats: Format[];
  paper: Paper;
  getPrinter: () => Promise<PdfPrinter | undefined>;
  progress: Progress;
  signal: AbortSignal;
  out: string;
  knownHostsPath: string | null; // --known-hosts; else the files ssh_config names for the host
  acceptNew: boolean;
  failOn: Severity | null;
  rerun: (host: string) => string;
}

export async function auditHost(target: Target, run: HostRun): Promise<HostOutcome> {
  if (run.signal.aborted) return { code: 2, line: `${target.name}: not started (interrupted)` };
  const startedAt = new Date();
  run.progress.note(target.name, 'connecting');
  const open = () => connect(target, { ...knownHostsOf(target, run.knownHostsPath), acceptNew: run.acceptNew });
  // The report directory first: if it cannot be made, no session is opened on the node.
  const writer = await openBundleWriter({ reportsRoot: run.out, host: target.name, startedAt });
  const session = await open().catch(async (err: unknown) => {
    await writer.abort();
    throw err;
  });
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
      outputs = await writeReports(writer.dir, report, run.formats, await run.getPrinter(), run.paper);
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

// As OpenSSH: --known-hosts stands for UserKnownHostsFile; the global files are read in any case.
export function knownHostsOf(
  target: Target,
  given: string | null,
): { knownHostsPath: string; otherKnownHosts: string[] } {
  const user = given ? [given] : (target.knownHosts?.user ?? [join(homedir(), '.ssh', 'known_hosts')]);
  const [first, ...rest] = user;
  return { knownHostsPath: first as string, otherKnownHosts: [...rest, ...(target.knownHosts?.global ?? [])] };
}

// The intent the run compared against travels in the bundle, so `render` needs nothing else.
async function keepIntent(writer: BundleWriter, loaded: LoadedAudit): Promise<unknown> {
  const { audit } = loaded;
  if (audit.intent) {
    const path = `intent/${basename(audit.intent)}`;
    // redacted like every other evidence text: a rule comment may carry a credential
    await writer.addEvidence(path, redactSecrets(await readFile(audit.intent, 'utf8')).text, null);
    return { ...audit, intent: path };
  }
  if (audit.phoenix) {
    // Only the three files the importer reads: anything else in that directory is none of the
    // audit's business (and may hold secrets). They are redacted like every other evidence text.
    for (const name of Object.values(PHOENIX_FILES).sort()) {
      const src = join(audit.phoenix, name);
      if ((await stat(src).catch(() => null))?.isFile()) {
        await writer.addEvidence(`intent/phoenix/${name}`, redactSecrets(await readFile(src, 'utf8')).text, null);
      }
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
  const written = { status: report.status, summary: s, dir, rootCause: report.rootCause?.summary ?? null };
  if (result.notProxmox)
    return { code: 2, line, report: written, error: `E_NOT_PROXMOX: ${target.name}: ${NOT_PROXMOX}` };
  if (report.status !== 'complete') return { code: 2, line, report: written };
  const at = failOn === null ? [] : SEVERITIES.slice(0, SEVERITIES.indexOf(failOn) + 1);
  return { code: at.some((sev) => s[sev] > 0) ? 1 : 0, line, report: written };
}

export function failed(target: Target, err: unknown): HostOutcome {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof PveauditError ? `${err.code}: ` : '';
  return {
    code: 2,
    line: `${target.name}: failed: ${code}${message.replace(`${target.name}: `, '')}`,
    error: `${code}${message}`,
  };
}
