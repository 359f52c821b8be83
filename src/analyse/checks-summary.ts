import type { Check } from '../assess/define.js';
import type { CheckSummary, Report } from '../schema/report.js';
import type { Evaluated } from './run-checks.js';

// One line per check, passed ones included (InSpec/Prowler style): a fail anywhere fails the check,
// else a could-not-tell makes it an error, else it passed if it judged anything.
export function summariseChecks(checks: readonly Check[], evaluated: readonly Evaluated[]): CheckSummary[] {
  return checks.map((check) => {
    const mine = evaluated.filter((e) => e.check.id === check.id);
    const failed = mine.filter((e) => e.result.outcome === 'fail').length;
    const outcome: CheckSummary['outcome'] =
      failed > 0
        ? 'failed'
        : mine.some((e) => e.result.outcome === 'error')
          ? 'error'
          : mine.some((e) => e.result.outcome === 'pass')
            ? 'passed'
            : 'not-applicable';
    return { id: check.id, title: check.title, severity: check.severity, outcome, results: mine.length, failed };
  });
}

export function countOutcomes(checks: readonly CheckSummary[]): NonNullable<Report['outcomes']> {
  const n = (o: CheckSummary['outcome']) => checks.filter((c) => c.outcome === o).length;
  return { passed: n('passed'), failed: n('failed'), error: n('error'), notApplicable: n('not-applicable') };
}
