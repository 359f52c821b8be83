import type { FirewallStatus } from '../../schema/pve.js';
import type { CheckContext } from '../context.js';
import { type CheckResult, missingFact } from '../define.js';

const SUBJECT = 'pve-firewall';

// The service checks read `pve-firewall status`: in nftables mode it says nothing about what is
// loaded (not applicable), and a status that was not collected means "could not tell".
export function readStatus(
  ctx: CheckContext,
  texts: { nftables: string; unknown: string },
): { status: FirewallStatus; subject: string } | { results: CheckResult[] } {
  if (ctx.facts.nftablesBackend) {
    return { results: [{ outcome: 'not_applicable', subject: SUBJECT, detail: texts.nftables }] };
  }
  const step = missingFact(ctx, 'status');
  const status = ctx.facts.status;
  if (step || !status) {
    return {
      results: [
        {
          outcome: 'error',
          subject: SUBJECT,
          detail: `${texts.unknown}: ${step}.`,
          missingStep: step ?? 'pve-firewall-status',
        },
      ],
    };
  }
  return { status, subject: SUBJECT };
}
