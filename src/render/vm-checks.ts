import type { Report } from '../schema/report.js';

// What was verified: every check with its outcome, passed ones included, and the counts shown
// beside the severity counts.

const MARK = { passed: '✔', failed: '✘', error: '?', 'not-applicable': '–' } as const;
const LABEL = {
  passed: 'passed',
  failed: 'failed',
  error: 'could not tell',
  'not-applicable': 'not applicable',
} as const;

export function checksView(report: Report) {
  const o = report.outcomes;
  return {
    counts: o
      ? [
          { label: 'passed', count: o.passed, tone: 'passed' },
          { label: 'failed', count: o.failed, tone: 'failed' },
          { label: 'could not tell', count: o.error, tone: 'error' },
          { label: 'not applicable', count: o.notApplicable, tone: 'not-applicable' },
        ]
      : [],
    rows: (report.checks ?? []).map((c) => ({
      id: c.id,
      title: c.title,
      outcome: c.outcome,
      mark: MARK[c.outcome],
      label: LABEL[c.outcome],
      judged: c.results,
      failed: c.failed,
    })),
  };
}

export const outcomeLine = (report: Report): string | null =>
  report.outcomes
    ? `Checks: ${report.outcomes.passed} passed, ${report.outcomes.failed} failed, ${report.outcomes.error} could not tell, ${report.outcomes.notApplicable} not applicable`
    : null;
