import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { evaluateFlow, where } from '../../assess/lib/flow-eval.js';
import { collectFlows } from '../../assess/lib/flows.js';
import { driftFix, liveFor } from '../../assess/lib/live.js';
import { driftBehind, liveDiffers } from '../../assess/lib/verdict.js';

// The files decide a flow one way, the kernel the other: what happens now is the kernel's verdict.
export default defineCheck({
  id: 'kernel_flow_live_differs',
  title: 'The kernel decides every flow the way the configuration does',
  problem: 'The kernel decides a flow differently from the configuration',
  severity: 'high',
  needs: ['pve', 'ruleset'],
  remediation: '{action}',
  evaluate(ctx) {
    const results: CheckResult[] = [];
    for (const input of collectFlows(ctx)) {
      const e = evaluateFlow(ctx, input);
      const live = liveFor(ctx, e.flow).verdict;
      if (!e.sim || !live || live.action === 'unknown') continue;
      const subject = `flow/${input.id}`;
      const simAccept = e.sim.action === 'ACCEPT';
      const liveAccept = live.action === 'ACCEPT';
      const at = live.rule !== null ? `${live.chain} rule ${live.rule} (${live.text})` : `the ${live.chain} policy`;
      if (simAccept === liveAccept) {
        results.push({
          outcome: 'pass',
          subject,
          detail: `The files and the kernel agree: ${e.sim.action} at ${where(e.sim)}; ${live.action} at ${at}.`,
          evidence: ['commands/iptables-save.out'],
        });
        continue;
      }
      // Why the kernel differs: the drift in the chain that decided.
      const { own, pending } = driftBehind(ctx, live);
      const cause = own
        ? own.code === 'hand-added'
          ? ' That rule is not in the configuration: it was added by hand.'
          : ' That rule comes from an older configuration still loaded.'
        : pending
          ? ` The configuration's "${pending.text}" is not loaded: the change was not applied.`
          : '';
      const fix = own ? driftFix(own) : pending ? driftFix(pending) : null;
      results.push({
        outcome: 'fail',
        subject,
        rule: live.text ?? undefined,
        reason: liveDiffers(ctx, input.id, e.sim.action, live),
        severity: liveAccept ? 'critical' : 'high',
        detail: `The files ${simAccept ? 'accept' : e.sim.action === 'REJECT' ? 'reject' : 'drop'} ${input.name} (${where(e.sim)}), but the kernel ${liveAccept ? 'accepts' : live.action === 'REJECT' ? 'rejects' : 'drops'} it now, at ${at}.${cause}`,
        evidence: ['commands/iptables-save.out'],
        vars: {
          action:
            own?.code === 'hand-added'
              ? 'Remove the hand-added kernel rule that decides this flow.'
              : 'Load the current configuration into the kernel.',
        },
        ...(fix
          ? { fix: { kind: 'command' as const, phase: fix.phase, commands: fix.commands }, verify: fix.verify }
          : {
              fix: { kind: 'command' as const, phase: 'apply' as const, commands: ['pve-firewall restart'] },
              verify: ['pve-firewall status   # expect no "(pending changes)"'],
            }),
      });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'flows', detail: 'No flow could be walked through the live ruleset.' }];
  },
});
