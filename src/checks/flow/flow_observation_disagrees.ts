import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { evaluateFlow, where } from '../../assess/lib/flow-eval.js';
import { collectFlows } from '../../assess/lib/flows.js';
import { reason } from '../../schema/reason.js';

// When the packets contradict the configuration, the configuration is not the whole story.
export default defineCheck({
  id: 'flow_observation_disagrees',
  title: 'What was observed matches what the configuration decides',
  problem: 'What was observed contradicts what the configuration decides',
  severity: 'high',
  needs: ['pve', 'captures', 'probes'],
  remediation: '{advice}',
  evaluate(ctx) {
    const results: CheckResult[] = [];
    for (const input of collectFlows(ctx)) {
      const e = evaluateFlow(ctx, input);
      const subject = `flow/${input.id}`;
      if (!e.sim) continue;
      if (e.outcome === null || e.outcome === 'not-seen') {
        const failed = ctx.facts.missing.find((m) => /capture|probe/.test(m.step));
        if (failed)
          results.push({
            outcome: 'error',
            subject,
            detail: `${input.name} has no usable observation: ${failed.step} (${failed.reason}).`,
            missingStep: `${failed.step} (${failed.reason})`,
          });
        continue;
      }
      if (e.simVsObserved !== 'disagree') {
        results.push({
          outcome: 'pass',
          subject,
          detail: `${input.name}: simulated ${e.sim.action}, observed ${e.outcome}.`,
        });
        continue;
      }
      const allows = e.sim.action === 'ACCEPT';
      const to = e.flow.to.ip ?? e.flow.to.zone ?? '?';
      const advice = allows
        ? `The firewall allows ${input.name} (${where(e.sim)}), yet ${e.outcome === 'rejected' ? 'an ICMP unreachable came back' : 'SYNs go unanswered'}: look past the firewall at the route to ${to}, the guest's own packet filter and whether anything listens on port ${input.dport ?? '?'}.`
        : `The configuration ${e.sim.action === 'DROP' ? 'drops' : 'rejects'} ${input.name} at ${where(e.sim)}, yet a reply was captured: the rules in the files are not the rules applied. Check pve-firewall status and reload.`;
      results.push({
        outcome: 'fail',
        subject,
        rule: `${e.sim.action}/${e.outcome}`,
        reason: reason('observation-disagrees', {
          flow: input.id,
          action: e.sim.action,
          observed: e.outcome,
          file: e.sim.decidedBy.file,
          line: e.sim.decidedBy.line,
          address: e.flow.to.ip,
          port: input.dport,
        }),
        // A reply to traffic the intent wants blocked means it is open: critical (README.md).
        ...(!allows && input.expect !== null && input.expect !== 'ACCEPT' ? { severity: 'critical' as const } : {}),
        detail: advice,
        evidence: [e.flow.observed?.capture?.file, e.flow.observed?.probe?.file].filter((x): x is string => Boolean(x)),
        vars: { advice },
        fix: allows
          ? {
              kind: 'command',
              phase: 'apply',
              commands: [
                `ip route get ${to}`,
                `tcpdump -ni any -c 20 host ${to} and port ${input.dport ?? ''}   # run on the node while the probe repeats`,
              ],
            }
          : { kind: 'command', phase: 'apply', commands: ['pve-firewall status', 'pve-firewall restart'] },
        verify: [
          "pveaudit run (same inventory and audit file)   # expect this flow's observation to match the simulation",
        ],
      });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'flows', detail: 'No flow has both a simulation and an observation.' }];
  },
});
