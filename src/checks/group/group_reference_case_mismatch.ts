import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { couldNotRead } from '../../assess/lib/files.js';
import { evidenceOf } from '../../assess/lib/guests.js';
import type { FwFile } from '../../schema/pve.js';
import { reason } from '../../schema/reason.js';

// Proxmox stores group names in lower case but looks a GROUP rule up as written: "WebServer" finds
// nothing, gets an empty chain and accepts nothing, with only a log warning.
export default defineCheck({
  id: 'group_reference_case_mismatch',
  title: 'GROUP rules name an existing security group, in lower case',
  problem: 'A GROUP rule names no existing security group',
  severity: 'high',
  needs: ['pve'],
  remediation: 'Write the group name as Proxmox stores it: "{fixed}" on line {line} of {file}.',
  evaluate(ctx) {
    const groups = ctx.facts.pve.cluster?.groups ?? {};
    const files: FwFile[] = [ctx.facts.pve.cluster, ctx.facts.pve.host, ...Object.values(ctx.facts.pve.guestFw)].filter(
      (f): f is FwFile => f !== null,
    );
    const results: CheckResult[] = couldNotRead(ctx, 'whether its GROUP rules resolve');
    for (const file of files) {
      for (const rule of file.rules.filter((r) => r.direction === 'GROUP' && r.enabled)) {
        const subject = `${file.path}:${rule.line}`;
        const base = { subject, rule: rule.text, evidence: [evidenceOf(file.path), 'pve/firewall/cluster.fw'] };
        if (groups[rule.action]) {
          results.push({
            ...base,
            outcome: 'pass',
            detail: `GROUP ${rule.action} on ${file.path} line ${rule.line} names an existing group.`,
          });
          continue;
        }
        const lower = rule.action.toLowerCase();
        if (groups[lower]) {
          const fixed = rule.text.replace(/^(\|?\s*group\s+)\S+/i, `$1${lower}`);
          results.push({
            ...base,
            outcome: 'fail',
            detail: `${file.path} line ${rule.line} references group "${rule.action}", but Proxmox stores it as "${lower}" and looks names up as written: the reference matches no group, gets an empty chain and lets nothing through.`,
            vars: { fixed, line: String(rule.line), file: file.path },
            reason: reason('group-undefined', {
              file: file.path,
              line: rule.line,
              text: rule.text,
              group: rule.action,
              stored: lower,
            }),
            fix: {
              kind: 'fw-edit',
              phase: 'allow',
              file: file.path,
              ops: [{ op: 'replace-line', from: rule.text, to: fixed }],
            },
            verify: [`pve-firewall compile 2>&1 | grep -ci 'no such security group'   # expect 0`],
          });
        } else {
          results.push({
            ...base,
            outcome: 'fail',
            detail: `${file.path} line ${rule.line} references group "${rule.action}", but cluster.fw defines no such group (${Object.keys(groups).join(', ') || 'none'}): the rule lets nothing through.`,
            vars: {
              fixed: `GROUP <one of: ${Object.keys(groups).join(', ') || 'define a [group] in cluster.fw first'}>`,
              line: String(rule.line),
              file: file.path,
            },
            reason: reason('group-undefined', {
              file: file.path,
              line: rule.line,
              text: rule.text,
              group: rule.action,
            }),
          });
        }
      }
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'GROUP rules', detail: 'No file uses a GROUP rule.' }];
  },
});
