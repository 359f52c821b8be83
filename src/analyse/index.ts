import { buildContext } from '../assess/build-context.js';
import { evaluateFlow } from '../assess/lib/flow-eval.js';
import { collectFlows } from '../assess/lib/flows.js';
import { CHECKS } from '../checks/index.js';
import type { LoadedIntent } from '../intent/schema.js';
import { TOOL } from '../lib/version.js';
import type { Facts } from '../schema/facts.js';
import type { EvidenceRef, Report } from '../schema/report.js';
import { buildAnswers } from './answers.js';
import { countOutcomes, summariseChecks } from './checks-summary.js';
import { buildFindings, countSeverities } from './findings.js';
import { buildGuests } from './guests.js';
import { addLive, driftOf, foldIntoKernel } from './live.js';
import { buildRootCause } from './root-cause.js';
import { runChecks } from './run-checks.js';

export interface AnalyseMeta {
  startedAt: string;
  finishedAt: string;
  evidence: EvidenceRef[];
  reportId: string;
  evidenceDigest: string;
  incompleteSteps: { step: string; reason: string }[];
  files?: Record<string, string>; // live /etc/pve texts (ParsedBundle.files), for the remediation diffs
  rerun?: string; // the command that re-runs this audit (no comment), shown as the final proof of every fix
  now?: number; // unix seconds, for cluster enable timestamps
}

/** Facts + intent -> the Report: checks, flow verdicts, root cause, answers and an ordered runbook. Pure. */
export function analyse(facts: Facts, intent: LoadedIntent | null, meta: AnalyseMeta): Report {
  const files = meta.files ?? {};
  const ctx = buildContext(facts, intent, files, meta.now === undefined ? {} : { now: meta.now });
  const evaluated = foldIntoKernel(runChecks(CHECKS, ctx));
  const flows = collectFlows(ctx).map((f) => evaluateFlow(ctx, f));
  addLive(ctx, flows);
  const drift = driftOf(ctx);
  // Everything below judges flows through their effective verdict (assess/lib/verdict.ts): where
  // flows[].live is attached, the kernel's verdict wins over the files'.
  // Offline (demo, render) the inventory and audit paths are unknown: plain placeholders that a
  // shell would not read as redirections.
  const rerun = meta.rerun ?? `pveaudit run -i INVENTORY.yml -a AUDIT.yml --limit ${facts.host.name}`;
  const rootCause = buildRootCause(ctx, flows);
  const focus = {
    file: rootCause?.decidedBy?.file ?? null,
    subject: rootCause?.flow ? `flow/${rootCause.flow}` : null,
  };
  const findings = buildFindings(evaluated, files, rerun, focus, meta.reportId);
  const checks = summariseChecks(CHECKS, evaluated);
  return {
    schemaVersion: '1',
    tool: { name: TOOL.name, version: TOOL.version },
    host: facts.host,
    startedAt: meta.startedAt,
    finishedAt: meta.finishedAt,
    status: meta.incompleteSteps.length > 0 ? 'incomplete' : 'complete',
    incompleteSteps: meta.incompleteSteps,
    summary: countSeverities(findings),
    answers: buildAnswers(ctx, evaluated, flows),
    guests: buildGuests(ctx),
    flows: flows.map((f) => f.flow),
    rootCause,
    findings,
    evidence: meta.evidence,
    id: meta.reportId,
    evidenceDigest: meta.evidenceDigest,
    intentSource: intent?.source ?? 'none',
    issues: facts.issues,
    ...(drift ? { drift } : {}),
    checks,
    outcomes: countOutcomes(checks),
  };
}
