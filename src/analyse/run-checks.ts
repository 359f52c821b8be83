import type { CheckContext } from '../assess/context.js';
import { type Check, type CheckResult, pveGap } from '../assess/define.js';
import { checkCrashed, pveNotCollected } from '../phrase/report.js';

export interface Evaluated {
  check: Check;
  result: CheckResult;
}

// Runs every check; a check that throws is a bug in pveaudit, reported as "could not tell", never a pass.
export function runChecks(checks: readonly Check[], ctx: CheckContext): Evaluated[] {
  const out: Evaluated[] = [];
  for (const check of checks) {
    // Without the /etc/pve tree an empty configuration means "not collected": say so, judge nothing.
    const noPve = check.needs.includes('pve') ? pveGap(ctx.facts) : null;
    if (noPve) {
      out.push({
        check,
        result: {
          outcome: 'error',
          subject: '/etc/pve',
          detail: pveNotCollected(noPve.text),
          missingStep: noPve.text,
          ...(noPve.notProxmox ? { cause: 'not-proxmox' as const } : {}),
        },
      });
      continue;
    }
    let results: CheckResult[];
    try {
      results = check.evaluate(ctx);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      results = [
        {
          outcome: 'error',
          subject: check.id,
          detail: checkCrashed(message),
          missingStep: 'internal',
          cause: 'crashed',
        },
      ];
    }
    for (const result of results) out.push({ check, result });
  }
  return out;
}
