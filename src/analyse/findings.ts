import { checkReason } from '../assess/check-reason.js';
import { fillTemplate } from '../assess/define.js';
import type { Fix } from '../assess/fix/types.js';
import { alreadyDoneBy, couldNotCheck, couldNotTell, rerunExpectGone, sameGapLeaves } from '../phrase/report.js';
import type { Severity } from '../schema/common.js';
import type { Finding } from '../schema/report.js';
import { findingId } from './finding-id.js';
import { newRunbookState, phaseIndex, renderFixes } from './remediation.js';
import type { Evaluated } from './run-checks.js';

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

// Failed and could-not-tell results become findings, ordered as a runbook that is safe to apply
// top to bottom: allow rules, options, switches that start filtering, cleanup, then reloads.
// The reader's first step is the one that makes the probed traffic work: a finding about the
// root-cause flow, or one editing the file that decided it, leads, as long as moving it up is safe
// (it only adds allow rules or changes nothing the firewall filters, e.g. a service or CA fix).
// Everything else keeps the safe order: allow rules, options, switches, cleanup, reloads.
export interface RootFocus {
  file: string | null; // the file whose line decided the root-cause flow
  subject: string | null; // "flow/<id>" of the root-cause flow
}

export function buildFindings(
  evaluated: readonly Evaluated[],
  files: Record<string, string>,
  rerun: string,
  focus: RootFocus = { file: null, subject: null },
  backupTag = 'pveaudit',
): Finding[] {
  const relevant = consolidate(evaluated)
    .map(({ e, severity: judged, also }, index) => {
      const fixes: Fix[] =
        e.result.fix === undefined ? [] : Array.isArray(e.result.fix) ? e.result.fix : [e.result.fix];
      const severity: Severity = e.result.outcome === 'error' ? 'info' : judged;
      return {
        e,
        also,
        fixes,
        severity,
        index,
        phase: e.result.outcome === 'error' ? Number.MAX_SAFE_INTEGER : phaseIndex(fixes),
        lead: leads(e.result.subject, fixes, focus) ? 0 : 1,
      };
    })
    .sort((a, b) => a.lead - b.lead || a.phase - b.phase || RANK[a.severity] - RANK[b.severity] || a.index - b.index);

  const state = newRunbookState(files, backupTag);
  const seen = new Map<string, number>(); // finding id -> step number, to merge duplicates
  const editedBy = new Map<string, number>(); // file -> last step that changed it
  const out: Finding[] = [];
  for (const { e, also, fixes, severity } of relevant) {
    const id = findingId(e.check.id, e.result.subject, e.result.rule);
    if (seen.has(id)) continue;
    const order = out.length + 1;
    seen.set(id, order);
    const patchName = `/root/pveaudit-${id}.patch`;
    const rendered = renderFixes(fixes, state, patchName);
    for (const f of fixes) if (f.kind === 'fw-edit' && rendered.patch) editedBy.set(f.file, order);
    const covered = fixes.length > 0 && rendered.noop ? editedBy.get(rendered.file ?? '') : undefined;
    const base =
      e.result.outcome === 'error'
        ? couldNotTell(e.result.missingStep)
        : fillTemplate(e.check.remediation, e.result.vars);
    const summary = covered ? `${base} ${alreadyDoneBy(covered)}` : base;
    out.push({
      id,
      checkId: e.check.id,
      severity,
      // The problem found, never the check's expectation (that stays in checks[]).
      title: e.result.outcome === 'error' ? couldNotCheck(e.check.title) : fillTemplate(e.check.problem, e.result.vars),
      subject: e.result.subject,
      evidence: e.result.evidence ?? [],
      detail: also.length > 0 ? `${e.result.detail} ${also.join(' ')}` : e.result.detail,
      outcome: e.result.outcome === 'error' ? 'error' : 'fail',
      reason: checkReason(e.check, e.result),
      remediation: {
        summary,
        commands: covered ? [] : rendered.commands,
        patch: covered ? null : rendered.patch,
        order,
        verify: [
          ...(e.result.verify ?? []),
          ...(e.result.outcome === 'fail'
            ? [`${rerun}   # re-run this audit: ${e.result.rerunExpect ?? rerunExpectGone}`]
            : []),
        ],
        file: rendered.file,
        phoenix: e.result.phoenix ?? null,
      },
    });
  }
  return out;
}

interface Kept {
  e: Evaluated;
  severity: Severity;
  also: string[]; // sentences appended to the finding's detail
}

// One problem, one finding. A fail explained by another check's fail (a flow dropped because its
// rule sits in cluster.fw) folds into that finding: the explaining check judged the consequence,
// so its severity stands. Could-not-tell results caused by the same missing step become one
// finding that names every check it left open.
function consolidate(evaluated: readonly Evaluated[]): Kept[] {
  const failIds = new Set(
    evaluated
      .filter((e) => e.result.outcome === 'fail')
      .map((e) => findingId(e.check.id, e.result.subject, e.result.rule)),
  );
  const out: Kept[] = [];
  const errors = new Map<string, Kept & { checks: string[] }>();
  for (const e of evaluated) {
    const r = e.result;
    if (r.outcome === 'fail') {
      const by = r.explainedBy;
      if (by && failIds.has(findingId(by.checkId, by.subject, by.rule))) continue;
      out.push({ e, severity: r.severity ?? e.check.severity, also: [] });
    } else if (r.outcome === 'error') {
      const step = r.missingStep ?? r.detail;
      const seen = errors.get(step);
      if (!seen) {
        const entry = { e, severity: 'info' as Severity, also: [], checks: [e.check.id] };
        errors.set(step, entry);
        out.push(entry);
      } else if (!seen.checks.includes(e.check.id)) seen.checks.push(e.check.id);
    }
  }
  for (const entry of errors.values())
    if (entry.checks.length > 1) entry.also.push(sameGapLeaves(entry.checks.slice(1)));
  return out;
}

export function countSeverities(findings: readonly Finding[]): Record<Severity, number> {
  const summary: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) summary[f.severity]++;
  return summary;
}

function leads(subject: string, fixes: readonly Fix[], focus: RootFocus): boolean {
  const about = subject === focus.subject || fixes.some((f) => f.kind === 'fw-edit' && f.file === focus.file);
  const safe = fixes.every((f) => f.kind === 'command' || f.phase === 'allow');
  return about && safe;
}
