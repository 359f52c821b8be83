import { defineCheck, missingFact } from '../define.js';

// "pending changes" means the live ruleset differs from what the files compile to.
export default defineCheck({
  id: 'service_changes_pending',
  title: 'The loaded ruleset matches the firewall files',
  severity: 'high',
  needs: ['status'],
  remediation: 'Review what pve-firewall would change, then load it.',
  evaluate(ctx) {
    const subject = 'pve-firewall';
    if (ctx.facts.nftablesBackend)
      return [
        {
          outcome: 'not_applicable',
          subject,
          detail: 'The nftables backend is on: pve-firewall status does not track its ruleset.',
        },
      ];
    const step = missingFact(ctx, 'status');
    const status = ctx.facts.status;
    if (step || !status)
      return [
        {
          outcome: 'error',
          subject,
          detail: `Whether changes are pending is unknown: ${step}.`,
          missingStep: step ?? 'pve-firewall-status',
        },
      ];
    if (!status.pendingChanges)
      return [
        {
          outcome: 'pass',
          subject,
          detail: 'pve-firewall status reports no pending changes.',
          evidence: ['commands/pve-firewall-status.out'],
        },
      ];
    return [
      {
        outcome: 'fail',
        subject,
        detail:
          'pve-firewall status reports "pending changes": the kernel enforces an older ruleset than the files describe, so what this audit reads is not what filters packets.',
        evidence: ['commands/pve-firewall-status.out'],
        fix: {
          kind: 'command',
          phase: 'apply',
          commands: [
            'pve-firewall compile | grep -E "^(create|update|delete)"   # review what will change',
            'pve-firewall restart',
          ],
        },
        verify: ['pve-firewall status   # expect no "(pending changes)"'],
      },
    ];
  },
});
