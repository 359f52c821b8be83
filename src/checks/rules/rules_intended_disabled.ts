import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { ruleKey } from '../../assess/lib/rules.js';
import { compareScope, intendedScopes } from '../../assess/lib/scopes.js';
import { reason } from '../../schema/reason.js';

// A leading "|" keeps a rule in the file but out of the ruleset: it reads as present and does nothing.
export default defineCheck({
  id: 'rules_intended_disabled',
  title: 'Intended rules are not disabled with "|"',
  problem: 'An intended rule is disabled with "|"',
  severity: 'high',
  needs: ['pve', 'intent'],
  remediation: 'Remove the leading "|" from line {line} of {file}.',
  evaluate(ctx) {
    if (!ctx.intent)
      return [
        {
          outcome: 'error',
          subject: 'intent',
          detail: 'No intent was given, so no disabled rule can be called intended.',
          missingStep: 'intent',
        },
      ];
    const results: CheckResult[] = [];
    for (const scope of intendedScopes(ctx)) {
      if (!scope.exists) continue;
      const { disabled } = compareScope(scope);
      for (const d of disabled) {
        const enabledText = d.live.text.replace(/^\|\s*/, '');
        results.push({
          outcome: 'fail',
          subject: scope.file,
          rule: ruleKey(d.live),
          detail: `${scope.file} line ${d.live.line} "${d.live.text}" is disabled with "|", but the intent expects "${d.text}" to be active.`,
          evidence: [`pve/${scope.file}`],
          vars: { line: String(d.live.line), file: scope.file },
          reason: reason('rule-disabled', {
            file: scope.file,
            line: d.live.line,
            text: d.live.text,
            vmid: scope.vmid ?? undefined,
          }),
          fix: {
            kind: 'fw-edit',
            phase: 'allow',
            file: scope.file,
            ops: [{ op: 'replace-line', from: d.live.text, to: enabledText }],
          },
          verify: [
            `grep -n -F -- '${enabledText.replace(/'/g, "'\\''")}' /etc/pve/${scope.file}   # expect the line without "|"`,
          ],
        });
      }
      if (disabled.length === 0)
        results.push({
          outcome: 'pass',
          subject: scope.file,
          detail: `No intended rule is disabled in ${scope.file}.`,
        });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'intent', detail: 'The intent lists no rules for any live file.' }];
  },
});
