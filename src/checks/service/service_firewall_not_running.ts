import { defineCheck, missingFact } from '../define.js';

// A stopped pve-firewall leaves whatever ruleset was last loaded, or none: the files then mean nothing.
export default defineCheck({
  id: 'service_firewall_not_running',
  title: 'The pve-firewall service is running',
  severity: 'critical',
  needs: ['status'],
  remediation: 'Start pve-firewall on {node}; it compiles and loads the rules within seconds.',
  evaluate(ctx) {
    const subject = 'pve-firewall';
    if (ctx.facts.nftablesBackend)
      return [
        {
          outcome: 'not_applicable',
          subject,
          detail:
            'The nftables backend is on: proxmox-firewall, not pve-firewall status, says whether rules are loaded.',
        },
      ];
    const step = missingFact(ctx, 'status');
    const status = ctx.facts.status;
    if (step || !status)
      return [
        {
          outcome: 'error',
          subject,
          detail: `Whether pve-firewall runs is unknown: ${step}.`,
          missingStep: step ?? 'pve-firewall-status',
        },
      ];
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
        fix: { kind: 'command', phase: 'apply', commands: ['pve-firewall start'] },
        verify: ['pve-firewall status   # expect: Status: enabled/running'],
      },
    ];
  },
});
