import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { allFwFiles, couldNotRead, lineOf } from '../../assess/lib/files.js';
import { parseRuleLine } from '../../parse/fw-rule.js';
import type { FwFileKind } from '../../schema/pve.js';
import { reason } from '../../schema/reason.js';

const SKIP_CODES = new Set(['fw-rule-unparseable', 'fw-no-section', 'fw-bad-section']);

// The usual slips, rewritten the way the author evidently meant; offered only if the result parses cleanly.
function rewrite(text: string, kind: FwFileKind, file: string): string | null {
  const candidate = text
    .replace(
      /^(\|?\s*(?:in|out|forward)\s+)(accept|drop|reject)\b/i,
      (_m, dir: string, action: string) => `${dir.toUpperCase()}${action.toUpperCase()}`,
    )
    .replace(/^(\|?\s*(?:IN|OUT|FORWARD)\s+)DENY\b/, '$1DROP')
    .replace(/(-(?:d|s)port\s+)(\d+)-(\d+)\b/g, '$1$2:$3');
  if (candidate === text) return null;
  const { rule } = parseRuleLine(candidate, { file, line: 1, kind });
  return rule && rule.errors.length === 0 ? candidate : null;
}

// Perl skips a bad rule line with a syslog warning: the file looks complete and is not.
export default defineCheck({
  id: 'rules_skipped_by_proxmox',
  title: 'Every rule line is one Proxmox compiles',
  problem: 'A rule line is skipped by Proxmox',
  severity: 'high',
  needs: ['pve'],
  remediation: 'Line {line} of {file} is skipped by Proxmox ({error}): {action}.',
  evaluate(ctx) {
    const results: CheckResult[] = couldNotRead(ctx, 'whether Proxmox skips any of its rules');
    for (const file of allFwFiles(ctx)) {
      const bad: { line: number; text: string; error: string }[] = [];
      const rules = [...file.rules, ...Object.values(file.groups).flatMap((g) => g.rules)];
      for (const r of rules)
        if (r.enabled && r.errors.length > 0) bad.push({ line: r.line, text: r.text, error: r.errors.join('; ') });
      for (const i of file.issues)
        if (SKIP_CODES.has(i.code) && i.line)
          bad.push({ line: i.line, text: lineOf(ctx, file.path, i.line), error: i.message });
      for (const b of bad.sort((x, y) => x.line - y.line)) {
        const fixed = b.text ? rewrite(b.text, file.kind, file.path) : null;
        results.push({
          outcome: 'fail',
          subject: `${file.path}:${b.line}`,
          rule: b.text || b.error,
          reason: reason('rule-skipped', { file: file.path, line: b.line, text: b.text || null, error: b.error }),
          // Under nftables the whole file is refused: rules_parse_error_nftables reports that once.
          ...(ctx.facts.nftablesBackend
            ? { explainedBy: { checkId: 'rules_parse_error_nftables', subject: file.path } }
            : {}),
          detail: `${file.path} line ${b.line}${b.text ? ` "${b.text}"` : ''} is skipped by Proxmox: ${b.error}. The rest of the file applies without it${ctx.facts.nftablesBackend ? ', except that the nftables backend rejects the whole file' : ''}.`,
          evidence: [`pve/${file.path}`],
          vars: {
            line: String(b.line),
            file: file.path,
            error: b.error,
            action: fixed
              ? `write it as "${fixed}"`
              : 'correct it by hand or delete it, since it does nothing as written',
          },
          ...(fixed
            ? {
                fix: {
                  kind: 'fw-edit' as const,
                  phase: 'allow' as const,
                  file: file.path,
                  ops: [{ op: 'replace-line' as const, from: b.text, to: fixed }],
                },
                verify: [
                  `pve-firewall compile 2>&1 | grep -c '${file.path.split('/').pop()}'   # expect 0 warnings for this file`,
                ],
              }
            : {}),
        });
      }
      if (bad.length === 0)
        results.push({ outcome: 'pass', subject: file.path, detail: `Every rule in ${file.path} compiles.` });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'firewall files', detail: 'There is no firewall file to read.' }];
  },
});
