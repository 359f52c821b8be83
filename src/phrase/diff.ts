import type { ReportDiff } from '../schema/diff.js';
import type { Reason } from '../schema/reason.js';
import { phrase } from './index.js';

// A diff's judgements in words, for the Markdown and HTML diffs alike: when a verdict or answer
// stayed but its reason changed, the reader sees the two reasons, not the same verdict twice.

type FlowSide = ReportDiff['flows'][number]['before'];
const KINDS = ['live', 'miss', 'reason'] as const;
const NONE: Record<(typeof KINDS)[number], string> = {
  live: 'no kernel verdict',
  miss: 'no rule meant to allow it',
  reason: 'not simulated',
};

const reasons = (s: NonNullable<FlowSide>): Record<(typeof KINDS)[number], Reason | null> => ({
  live: s.live?.reason ?? null,
  miss: s.simulated?.miss ?? null,
  reason: s.simulated?.reason ?? null,
});
// Reasons are flat: the sorted entries identify one.
const key = (r: Reason | null) => JSON.stringify(r ? Object.entries(r).sort(([a], [b]) => a.localeCompare(b)) : null);

export const flowVerdictText = (s: FlowSide): string =>
  s ? `${s.simulated?.action ?? (s.live ? `live ${s.live.action}` : 'not simulated')}: ${s.verdict}` : '-';

// "DROP: ..." on each side; where the verdict reads the same and only why changed, each side says why.
export function flowDiffCells(fl: ReportDiff['flows'][number]): { before: string; after: string } {
  const before = flowVerdictText(fl.before);
  const after = flowVerdictText(fl.after);
  if (!fl.reasonChanged || !fl.before || !fl.after || before !== after) return { before, after };
  const [rb, ra] = [reasons(fl.before), reasons(fl.after)];
  const changed = KINDS.filter((k) => key(rb[k]) !== key(ra[k]));
  const why = (r: typeof rb) => changed.map((k) => (r[k] ? phrase(r[k]) : NONE[k])).join('; ');
  const action = (s: NonNullable<FlowSide>) => s.live?.action ?? s.simulated?.action ?? 'not simulated';
  return { before: `${action(fl.before)}: ${why(rb)}`, after: `${action(fl.after)}: ${why(ra)}` };
}

// An answer on each side; the reason is spelled out when the answer stayed and its reason did not.
export function answerDiffCells(a: ReportDiff['answers'][number]): { before: string; after: string } {
  const before = a.before ?? '-';
  const after = a.after ?? '-';
  if (!a.changed || before !== after || !a.beforeReason || !a.afterReason) return { before, after };
  return { before: `${before}: ${phrase(a.beforeReason)}`, after: `${after}: ${phrase(a.afterReason)}` };
}

// "reason was: ...; now: ..." for a persisting finding whose reason changed, else null.
export function findingReasonChange(p: ReportDiff['findings']['persisting'][number]): string | null {
  if (!p.reasonChanged || !p.reasonBefore || !p.finding.reason) return null;
  return `reason was: ${phrase(p.reasonBefore)}; now: ${phrase(p.finding.reason)}`;
}
