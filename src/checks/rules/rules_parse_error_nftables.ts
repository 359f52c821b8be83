import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { allFwFiles, couldNotRead } from '../../assess/lib/files.js';
import type { FwFile } from '../../schema/pve.js';
import { reason } from '../../schema/reason.js';

// proxmox-firewall is strict: one bad line anywhere aborts the update and the old ruleset stays.
export default defineCheck({
  id: 'rules_parse_error_nftables',
  title: 'Firewall files parse cleanly under the nftables backend',
  problem: 'A firewall file does not parse under the nftables backend',
  severity: 'critical',
  needs: ['pve', 'nftablesBackend'],
  remediation:
    'Fix every error in {file}: with nftables: 1 in host.fw, proxmox-firewall rejects the whole update while any remains.',
  evaluate(ctx) {
    if (!ctx.facts.nftablesBackend)
      return [
        {
          outcome: 'not_applicable',
          subject: 'nftables',
          detail: 'The iptables backend is in use; it skips bad lines one by one (see rules_skipped_by_proxmox).',
        },
      ];
    const results: CheckResult[] = couldNotRead(ctx, 'whether proxmox-firewall accepts it');
    for (const file of allFwFiles(ctx)) {
      const errors = [
        ...file.issues.filter((i) => i.severity === 'error').map((i) => `line ${i.line ?? '?'}: ${i.message}`),
        ...file.rules.filter((r) => r.errors.length > 0).map((r) => `line ${r.line}: ${r.errors.join('; ')}`),
      ];
      if (errors.length === 0) {
        results.push({ outcome: 'pass', subject: file.path, detail: `${file.path} has no parse error.` });
        continue;
      }
      results.push({
        outcome: 'fail',
        subject: file.path,
        detail: `The nftables backend is on and ${file.path} has ${errors.length} error(s) (${errors.join('; ')}): proxmox-firewall rejects the whole update and keeps the old ruleset, so no change to any firewall file takes effect.`,
        evidence: [`pve/${file.path}`, ...(ctx.facts.pve.host ? [`pve/${ctx.facts.pve.host.path}`] : [])],
        vars: { file: file.path },
        reason: reason('nft-parse-error', {
          file: file.path,
          line: firstErrorLine(file),
          error: errors[0] ?? null,
          errors: errors.length,
        }),
        verify: [
          '/usr/libexec/proxmox/proxmox-firewall compile > /dev/null && echo compiled   # expect "compiled"',
          'journalctl -u proxmox-firewall --since -5min | grep -i error   # expect nothing',
        ],
      });
    }
    return results;
  },
});

// The first line proxmox-firewall stumbles on: where the reader starts.
function firstErrorLine(file: FwFile): number | null {
  const lines = [
    ...file.issues.filter((i) => i.severity === 'error').map((i) => i.line ?? null),
    ...file.rules.filter((r) => r.errors.length > 0).map((r) => r.line),
  ].filter((l): l is number => l !== null);
  return lines.length > 0 ? Math.min(...lines) : null;
}
