import type { CheckContext } from '../../assess/context.js';
import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import type { Fix } from '../../assess/fix/types.js';
import { simulateCommand } from '../../assess/lib/commands.js';
import { evaluateFlow, where } from '../../assess/lib/flow-eval.js';
import { collectFlows, type FlowEval } from '../../assess/lib/flows.js';
import { fwPath } from '../../assess/lib/guests.js';
import { explainedByMisplaced, misplacedRuleForFlow } from '../../assess/lib/misplaced.js';
import { placementNote } from '../../assess/lib/phoenix.js';
import type { SimFlow } from '../../schema/pve.js';

// The rule line that would make the simulation give the intended verdict, in the file that decided it.
function fixFor(ctx: CheckContext, e: FlowEval): { fix: Fix; text: string; vmid: number } | null {
  const { flow } = e;
  const decided = e.sim?.decidedBy.file;
  const m = /^firewall\/(\d+)\.fw$/.exec(decided ?? '');
  const vmid = m ? Number(m[1]) : /^(?:ct|vm)(\d+)$/.exec(flow.to.zone ?? '')?.[1];
  if (vmid === undefined) return null;
  const id = Number(vmid);
  const inbound = /^(?:ct|vm)(\d+)$/.exec(flow.to.zone ?? '')?.[1] === String(id);
  const action = flow.expected === 'ACCEPT' ? 'ACCEPT' : 'DROP';
  const meant = ctx.intent?.phoenix?.meant.find(
    (r) =>
      r.file === fwPath(id) &&
      r.flow?.from === e.input.from &&
      r.flow?.to === e.input.to &&
      r.flow?.dport === (e.input.dport ?? undefined),
  );
  const peer = inbound ? (flow.from.ip ? `-source ${flow.from.ip} ` : '') : flow.to.ip ? `-dest ${flow.to.ip} ` : '';
  const port = flow.dport && flow.proto !== 'icmp' ? ` -dport ${flow.dport}` : '';
  const text = meant?.text ?? `${inbound ? 'IN' : 'OUT'} ${action} ${peer}-p ${flow.proto}${port} # ${flow.name}`;
  return {
    fix: { kind: 'fw-edit', phase: 'allow', file: fwPath(id), ops: [{ op: 'add-rule', text }] },
    text,
    vmid: id,
  };
}

// Every intended flow, simulated with Proxmox's semantics: the verdict must be the intended one.
export default defineCheck({
  id: 'flow_simulated_mismatch',
  title: 'Intended flows get the intended verdict in simulation',
  problem: 'An intended flow gets another verdict in simulation',
  severity: 'high',
  needs: ['pve', 'intent'],
  remediation: 'Add "{rule}" to {file} so {flow} is {expect}ed.',
  evaluate(ctx) {
    if (!ctx.intent)
      return [
        {
          outcome: 'error',
          subject: 'flows',
          detail: 'No intent was given, so no flow has an intended verdict.',
          missingStep: 'intent',
        },
      ];
    const results: CheckResult[] = [];
    for (const input of collectFlows(ctx).filter((f) => f.source !== 'probe')) {
      const e = evaluateFlow(ctx, input);
      const subject = `flow/${input.id}`;
      if (!e.sim) {
        results.push({
          outcome: 'error',
          subject,
          detail: `${input.name} could not be simulated: ${e.simError}.`,
          missingStep: 'simulation',
        });
        continue;
      }
      const ok = (input.expect === 'ACCEPT') === (e.sim.action === 'ACCEPT');
      if (ok) {
        results.push({
          outcome: 'pass',
          subject,
          detail: `${input.name}: simulated ${e.sim.action} at ${where(e.sim)}, as intended.`,
        });
        continue;
      }
      const f = fixFor(ctx, e);
      const simFlow: SimFlow = {
        from: e.flow.from.zone ?? 'outside',
        to: e.flow.to.zone ?? 'outside',
        proto: input.proto,
        ...(input.dport !== null ? { dport: input.dport } : {}),
        ...(e.flow.from.ip ? { source: e.flow.from.ip } : {}),
        ...(e.flow.to.ip ? { dest: e.flow.to.ip } : {}),
      };
      // The rule meant for this flow sits in cluster.fw: that finding already carries the fix.
      const misplaced = misplacedRuleForFlow(ctx, simFlow, input.expect ?? 'ACCEPT');
      const flowDesc = `${e.flow.from.zone ?? e.flow.from.ip} -> ${e.flow.to.zone ?? e.flow.to.ip} ${input.proto}${input.dport ? `/${input.dport}` : ''}`;
      results.push({
        outcome: 'fail',
        subject,
        rule: flowDesc,
        // Open although meant blocked is the worse way round (README.md, severity rubric).
        severity: input.expect === 'ACCEPT' ? 'high' : 'critical',
        ...(misplaced ? { explainedBy: explainedByMisplaced(ctx, misplaced) } : {}),
        // Why the rule meant to allow it did not (disabled, ipset miss, other port...), as the root cause says.
        ...(e.miss ? { reason: e.miss } : {}),
        detail: `${input.name} (${flowDesc}) is meant to be ${input.expect}ed, but the simulation gives ${e.sim.action}, decided by ${where(e.sim)}.${misplaced ? ` The rule meant for it is cluster.fw line ${misplaced.rule.line} "${misplaced.rule.text}", which cannot govern guest traffic.` : ''}`,
        evidence: e.sim.decidedBy.file ? [`pve/${e.sim.decidedBy.file}`] : [],
        vars: {
          rule: f?.text ?? '(no single rule)',
          file: f ? fwPath(f.vmid) : '(none)',
          flow: input.name,
          expect: (input.expect ?? '').toLowerCase().replace(/e$/, ''),
        },
        ...(f ? { fix: f.fix } : {}),
        verify: [
          `${simulateCommand(ctx, { from: e.flow.from.zone ?? e.flow.from.ip ?? 'outside', to: e.flow.to.zone ?? e.flow.to.ip ?? 'outside', proto: input.proto, dport: input.dport })}   # expect ${input.expect}`,
        ],
        phoenix: f && ctx.intent.source === 'phoenix' ? placementNote(ctx, f.text, f.vmid) : null,
      });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'flows', detail: 'The intent lists no flow.' }];
  },
});
