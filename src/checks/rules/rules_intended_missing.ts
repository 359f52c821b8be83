import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { simulateCommand } from '../../assess/lib/commands.js';
import { consequence } from '../../assess/lib/consequence.js';
import { fileMissingStep, guestZone } from '../../assess/lib/guests.js';
import { explainedByMisplaced, misplacedCopyOf } from '../../assess/lib/misplaced.js';
import { placementNote } from '../../assess/lib/phoenix.js';
import { firstPort } from '../../assess/lib/rule-target.js';
import { ruleKey } from '../../assess/lib/rules.js';
import { compareScope, intendedScopes } from '../../assess/lib/scopes.js';

// An intended rule that is not in the live file (or differs from it) does not exist for Proxmox.
export default defineCheck({
  id: 'rules_intended_missing',
  title: 'Every intended rule is in the live firewall file',
  problem: 'An intended rule is missing from the firewall file',
  severity: 'high',
  needs: ['pve', 'intent'],
  remediation: 'Add "{rule}" to {file}.',
  evaluate(ctx) {
    if (!ctx.intent)
      return [
        {
          outcome: 'error',
          subject: 'intent',
          detail: 'No intent was given, so there is nothing to compare the live rules with.',
          missingStep: 'intent',
        },
      ];
    const scopes = intendedScopes(ctx);
    const results: CheckResult[] = [];
    for (const scope of scopes) {
      if (!scope.exists) {
        const step = fileMissingStep(ctx, scope.file);
        if (step) {
          results.push({
            outcome: 'error',
            subject: scope.file,
            detail: `${scope.file} could not be read: ${step}.`,
            missingStep: step,
          });
          continue;
        }
        // A missing guest file is reported (with its rules) by guest_fwfile_missing.
        if (scope.vmid !== null && ctx.intent.intent.guests?.find((g) => g.vmid === scope.vmid)?.firewall?.enable)
          continue;
      }
      const cmp = compareScope(scope);
      for (const miss of cmp.missing) {
        const zone = scope.vmid === null ? 'host' : guestZone(ctx, scope.vmid);
        const inbound = miss.rule.direction !== 'OUT';
        const other = inbound ? miss.rule.source : miss.rule.dest;
        const peer = other && !other.includes('/') && !other.startsWith('+') ? other : 'outside';
        const flow = {
          from: inbound ? peer : zone,
          to: inbound ? zone : peer,
          proto: miss.rule.proto ?? 'tcp',
          dport: firstPort(miss.rule.dport),
        };
        // Sitting in cluster.fw instead is the misplacement check's finding, with the same fix.
        const misplaced = scope.vmid === null ? undefined : misplacedCopyOf(ctx, scope.vmid, miss.rule);
        const effect =
          miss.rule.direction === 'GROUP' || misplaced
            ? { severity: undefined, text: '' }
            : consequence(ctx, miss.rule.action, flow, 'its absence');
        results.push({
          outcome: 'fail',
          subject: scope.vmid === null ? scope.file : zone,
          rule: ruleKey(miss.rule),
          ...(effect.severity ? { severity: effect.severity } : {}),
          ...(misplaced ? { explainedBy: explainedByMisplaced(ctx, misplaced) } : {}),
          detail: `The intent has "${miss.text}" for ${scope.file}, but the live file has no such rule, so Proxmox does not apply it.${misplaced ? ` It sits in cluster.fw line ${misplaced.rule.line} instead, where it cannot govern guest traffic.` : effect.text ? ` ${effect.text}` : ''}`,
          evidence: [`pve/${scope.file}`],
          vars: { rule: miss.text, file: scope.file },
          fix: {
            kind: 'fw-edit',
            phase: 'allow',
            file: scope.file,
            ops: [
              miss.previous
                ? { op: 'add-rule', text: miss.text, after: miss.previous }
                : { op: 'add-rule', text: miss.text },
            ],
          },
          verify:
            miss.rule.direction === 'GROUP' ? [] : [`${simulateCommand(ctx, flow)}   # expect ${miss.rule.action}`],
          phoenix:
            scope.vmid === null
              ? ctx.intent.source === 'phoenix'
                ? 'The JSON already has this rule; cluster.fw is not what the generator writes. Re-run the Phoenix generator, or apply the patch.'
                : null
              : placementNote(ctx, miss.text, scope.vmid),
        });
      }
      if (cmp.missing.length === 0)
        results.push({
          outcome: 'pass',
          subject: scope.file,
          detail: `All ${scope.intended.length} intended rule(s) are in ${scope.file}.`,
          evidence: [`pve/${scope.file}`],
        });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'intent', detail: 'The intent lists no rules.' }];
  },
});
