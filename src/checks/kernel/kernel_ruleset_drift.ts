import type { CheckResult } from '../../assess/define.js';
import { defineCheck, missingStep } from '../../assess/define.js';
import { driftFix, driftReason, liveDrift } from '../../assess/lib/live.js';
import type { DriftItem } from '../../kernel/drift.js';

const EVIDENCE = ['commands/iptables-save.out'];

function detail(d: DriftItem): string {
  const at = d.rule !== null ? `${d.chain} rule ${d.rule}` : d.chain;
  switch (d.code) {
    case 'hand-added':
      return `${at} ("${d.text}") is loaded in the kernel, but the configuration does not produce it: it was added by hand, and pve-firewall keeps it, because it compares only each chain's PVESIG signature.`;
    case 'live-drift':
      return `${at} ("${d.text}") is loaded in the kernel, but the configuration no longer produces it: an older configuration is still loaded.`;
    case 'live-rule-missing':
      return `The configuration produces "${d.text}", but the kernel does not hold it: the change was not applied.`;
    case 'live-rule-changed':
      return `${at} is "${d.text}" in the kernel, but the configuration produces "-A ${d.chain} ${d.expected}" there.`;
    case 'stale-chain':
      return `The kernel still holds ${d.chain}, a guest chain the configuration no longer produces (the guest's firewall or NIC flag was switched off, or the guest is gone); its rules still filter that NIC.`;
    case 'chain-missing':
      return `The configuration produces ${d.chain}, but the kernel has no such chain.`;
  }
}

const ACTION: Record<DriftItem['code'], string> = {
  'hand-added': 'Remove the hand-added rule from the kernel: pve-firewall will not.',
  'live-drift': 'Load the current configuration (pve-firewall rewrites chains whose configuration changed).',
  'live-rule-missing': 'Load the current configuration.',
  'live-rule-changed': 'Put back the rule the configuration produces.',
  'stale-chain': 'Load the current configuration, which removes the stale chain.',
  'chain-missing': 'Load the current configuration.',
};

// The live ruleset (iptables-save) against what the configuration compiles to (src/kernel).
export default defineCheck({
  id: 'kernel_ruleset_drift',
  title: 'The kernel holds exactly the rules the configuration compiles to',
  problem: 'The kernel holds rules that differ from what the configuration compiles to',
  severity: 'high',
  needs: ['pve', 'ruleset'],
  remediation: '{action}',
  evaluate(ctx) {
    if (ctx.facts.nftablesBackend || ctx.facts.kernel === undefined)
      return [
        {
          outcome: 'not_applicable',
          subject: 'ruleset',
          detail: ctx.facts.nftablesBackend
            ? 'The nftables backend is on: its ruleset is not compared rule for rule.'
            : 'This evidence bundle predates the live-ruleset comparison.',
        },
      ];
    const drift = liveDrift(ctx);
    if (!drift)
      return [
        {
          outcome: 'error',
          subject: 'ruleset',
          detail: 'The live ruleset could not be read, so it was not compared with the configuration.',
          missingStep: missingStep(ctx.facts, ['iptables-save']),
        },
      ];
    if (drift.items.length === 0) {
      const skipped = drift.notCompared.map((n) => `${n.chain} (${n.why})`).join(', ');
      return [
        {
          outcome: 'pass',
          subject: 'ruleset',
          detail: `${drift.compared.length} chains match the configuration rule for rule${skipped ? `; not compared: ${skipped}` : ''}.`,
          evidence: EVIDENCE,
        },
      ];
    }
    return drift.items.map((d): CheckResult => {
      const fix = driftFix(d);
      return {
        outcome: 'fail',
        subject: `ruleset/${d.chain}`,
        rule: d.text,
        detail: detail(d),
        evidence: EVIDENCE,
        vars: { action: ACTION[d.code] },
        reason: driftReason(d),
        fix: { kind: 'command', phase: fix.phase, commands: fix.commands },
        verify: fix.verify,
      };
    });
  },
});
