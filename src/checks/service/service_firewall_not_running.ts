import { defineCheck } from '../../assess/define.js';
import { readStatus } from '../../assess/lib/status.js';
import { reason } from '../../schema/reason.js';

// A stopped pve-firewall leaves whatever ruleset was last loaded, or none: the files then mean nothing.
export default defineCheck({
  id: 'service_firewall_not_running',
  title: 'The pve-firewall service is running',
  problem: 'The pve-firewall service is not running',
  severity: 'critical',
  needs: ['status'],
  remediation: 'Start pve-firewall on {node}; it compiles and loads the rules within seconds.',
  evaluate(ctx) {
    const read = readStatus(ctx, {
      nftables: 'The nftables backend is on: proxmox-firewall, not pve-firewall status, says whether rules are loaded.',
      unknown: 'Whether pve-firewall runs is unknown',
    });
    if ('results' in read) return read.results;
    const { status, subject } = read;
    if (status.state === 'running')
      return [
        {
          outcome: 'pass',
          subject,
          detail: 'pve-firewall status reports running.',
          evidence: ['commands/pve-firewall-status.out'],
        },
      ];
    return [
      {
        outcome: 'fail',
        subject,
        detail: `pve-firewall status reports ${status.state ?? 'no state'}: the rules in the files are not what the kernel enforces.`,
        evidence: ['commands/pve-firewall-status.out'],
        vars: { node: ctx.facts.pve.nodename },
        reason: reason('firewall-not-running', { state: status.state ?? null, node: ctx.facts.pve.nodename ?? null }),
        fix: { kind: 'command', phase: 'apply', commands: ['pve-firewall start'] },
        verify: ['pve-firewall status   # expect: Status: enabled/running'],
      },
    ];
  },
});
