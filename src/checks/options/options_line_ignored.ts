import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { couldNotRead } from '../../assess/lib/files.js';
import { evidenceOf } from '../../assess/lib/guests.js';
import type { FwFile } from '../../schema/pve.js';
import { reason } from '../../schema/reason.js';

const KEY = /^\s*([A-Za-z_0-9]+)\s*:\s*(.*)$/;

// Proxmox drops a bad option line with a syslog warning only: the option silently keeps its default.
export default defineCheck({
  id: 'options_line_ignored',
  title: 'Every firewall option line is one Proxmox accepts',
  problem: 'A firewall option line is ignored by Proxmox',
  severity: 'high',
  needs: ['pve'],
  remediation: 'Rewrite line {line} of {file} as "{fixed}" so Proxmox reads it.',
  evaluate(ctx) {
    const files: FwFile[] = [ctx.facts.pve.cluster, ctx.facts.pve.host, ...Object.values(ctx.facts.pve.guestFw)].filter(
      (f): f is FwFile => f !== null,
    );
    const results: CheckResult[] = couldNotRead(ctx, 'whether its option lines are accepted');
    for (const file of files) {
      const bad = file.issues.filter((i) => i.code === 'fw-bad-option' || i.code === 'fw-duplicate-option');
      for (const issue of bad) {
        const text = (ctx.files[file.path] ?? '').split(/\r?\n/)[(issue.line ?? 0) - 1]?.trim() ?? '';
        const m = KEY.exec(text);
        const key = m?.[1]?.toLowerCase() ?? '';
        const value = (m?.[2] ?? '').replace(/\s*#.*$/, '').trim();
        const trailing = /#/.test(m?.[2] ?? '');
        const fixable = trailing && value !== '' && issue.code === 'fw-bad-option';
        const result: CheckResult = {
          outcome: 'fail',
          subject: `${file.path}:${issue.line ?? 0}`,
          rule: text || issue.message,
          reason: reason('option-ignored', {
            file: file.path,
            line: issue.line ?? null,
            text: text || null,
            key: key || null,
            error: issue.message,
          }),
          detail: `${file.path} line ${issue.line}${text ? ` "${text}"` : ''} is ignored by Proxmox: ${issue.message}.${key ? ` ${key} keeps its default.` : ''}`,
          evidence: [evidenceOf(file.path)],
          vars: {
            line: String(issue.line ?? ''),
            file: file.path,
            fixed: fixable ? `${key}: ${value}` : '(a valid option)',
          },
        };
        if (fixable) {
          result.fix = {
            kind: 'fw-edit',
            phase: key === 'enable' || key.startsWith('policy') ? 'enable' : 'options',
            file: file.path,
            ops: [{ op: 'replace-line', from: text, to: `${key}: ${value}` }],
          };
          result.verify = [
            `grep -n '^${key}:' /etc/pve/${file.path}   # expect "${key}: ${value}" with no comment`,
            `pve-firewall compile 2>&1 >/dev/null | grep -F '${file.path}' || echo 'no warning for ${file.path}'`,
          ];
        } else if (issue.code === 'fw-duplicate-option' || /unknown/.test(issue.message)) {
          result.fix = { kind: 'fw-edit', phase: 'options', file: file.path, ops: [{ op: 'remove-line', text }] };
          result.verify = [`pve-firewall compile 2>&1 | grep -c 'skip line'   # expect 0`];
        }
        results.push(result);
      }
      if (bad.length === 0)
        results.push({
          outcome: 'pass',
          subject: file.path,
          detail: `Every option line in ${file.path} is accepted.`,
          evidence: [evidenceOf(file.path)],
        });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'firewall files', detail: 'There is no firewall file to read.' }];
  },
});
