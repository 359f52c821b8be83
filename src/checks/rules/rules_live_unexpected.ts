import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { guestLabel } from '../../assess/lib/guests.js';
import { explainedByMisplaced, misplacedRules } from '../../assess/lib/misplaced.js';
import { ruleKey } from '../../assess/lib/rules.js';
import { compareScope, intendedScopes } from '../../assess/lib/scopes.js';
import { becauseText } from '../../phrase/because.js';
import { reason } from '../../schema/reason.js';

// A live rule nobody intended is either drift or an undocumented exception; either way, review it.
export default defineCheck({
  id: 'rules_live_unexpected',
  title: 'Live firewall rules are all in the intent',
  problem: 'A live firewall rule is not in the intent',
  severity: 'medium',
  needs: ['pve', 'intent'],
  remediation: 'Remove "{rule}" from {file}, or add it to the intent if it is wanted.',
  evaluate(ctx) {
    if (!ctx.intent)
      return [
        {
          outcome: 'error',
          subject: 'intent',
          detail: 'No intent was given, so no live rule can be called unexpected.',
          missingStep: 'intent',
        },
      ];
    const results: CheckResult[] = [];
    const misplaced = misplacedRules(ctx);
    for (const scope of intendedScopes(ctx)) {
      if (!scope.exists) continue;
      const { unexpected } = compareScope(scope);
      for (const rule of unexpected) {
        // A guest rule written into cluster.fw is reported (and fixed) once, as misplaced.
        const m = scope.kind === 'cluster' ? misplaced.find((x) => x.rule === rule) : undefined;
        results.push({
          outcome: 'fail',
          subject: scope.file,
          rule: ruleKey(rule),
          // An allow nobody intended opens traffic: drift. An extra block is hygiene.
          severity: rule.action === 'ACCEPT' || rule.direction === 'GROUP' ? 'medium' : 'low',
          ...(m ? { explainedBy: explainedByMisplaced(ctx, m) } : {}),
          detail: `${scope.file} line ${rule.line} "${rule.text}" is live but not in the intent.${m ? ` It is meant for ${guestLabel(ctx, m.target.vmid)} (${becauseText(m.target.because)}).` : ''}`,
          evidence: [`pve/${scope.file}`],
          vars: { rule: rule.text, file: scope.file },
          reason: reason('rule-unexpected', {
            file: scope.file,
            line: rule.line,
            text: rule.text,
            vmid: scope.vmid ?? undefined,
          }),
          fix: { kind: 'fw-edit', phase: 'cleanup', file: scope.file, ops: [{ op: 'remove-line', text: rule.text }] },
          verify: [`grep -cF -- '${rule.text.replace(/'/g, "'\\''")}' /etc/pve/${scope.file}   # expect 0`],
          phoenix:
            ctx.intent.source === 'phoenix'
              ? scope.vmid === null
                ? 'The generator does not write this rule, so its next run removes it. If it is wanted, add it to shared_volumes.firewall.global_firewall_rules in phoenix_hypervisor_config.json: that JSON change keeps it.'
                : `The Phoenix JSON does not list this rule for guest ${scope.vmid}. The generator never writes ${scope.file}, so the rule stays; if it is wanted, record it in the guest's firewall.rules so the intent documents it.`
              : null,
        });
      }
      if (unexpected.length === 0)
        results.push({ outcome: 'pass', subject: scope.file, detail: `Every live rule in ${scope.file} is intended.` });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'intent', detail: 'The intent lists no rules for any live file.' }];
  },
});
