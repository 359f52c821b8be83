import { defineCheck } from '../../assess/define.js';
import { readStatus } from '../../assess/lib/status.js';
import { reason } from '../../schema/reason.js';

// "pending changes" means the live ruleset differs from what the files compile to.
export default defineCheck({
  id: 'service_changes_pending',
  title: 'The loaded ruleset matches the firewall files',
  problem: 'The loaded ruleset differs from the firewall files (changes pending)',
  severity: 'high',
  needs: ['status'],
  remediation: 'Review what pve-firewall would change, then load it.',
  evaluate(ctx) {
    const read = readStatus(ctx, {
      nftables: 'The nftables backend is on: pve-firewall status does not track its ruleset.',
      unknown: 'Whether changes are pending is unknown',
    });
    if ('results' in read) return read.results;
    const { status, subject } = read;
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
        reason: reason('changes-pending', { file: 'commands/pve-firewall-status.out' }),
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
