import type { Issue } from '../schema/common.js';
import type { FirewallStatus } from '../schema/pve.js';

// `pve-firewall status`: syntax warnings first, then
// "Status: enabled|disabled/running|stopped|unknown[ (pending changes)]".
export function parseFirewallStatus(text: string, path: string): FirewallStatus {
  const warnings: string[] = [];
  const issues: Issue[] = [];
  let enabled: boolean | null = null;
  let state: FirewallStatus['state'] = null;
  let pendingChanges = false;
  let found = false;
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = raw.trim();
    if (line === '') return;
    const m = /^Status:\s*(enabled|disabled)\/(running|stopped|unknown)(\s*\(pending changes\))?\s*$/.exec(line);
    if (m) {
      enabled = m[1] === 'enabled';
      state = m[2] as 'running' | 'stopped' | 'unknown';
      pendingChanges = Boolean(m[3]);
      found = true;
      return;
    }
    warnings.push(line);
    if (found)
      issues.push({
        file: path,
        line: idx + 1,
        severity: 'warning',
        code: 'fw-status-extra',
        message: `unexpected line after the status line: "${line}"`,
      });
  });
  if (!found)
    issues.push({
      file: path,
      severity: 'error',
      code: 'fw-status-missing',
      message: 'no "Status: ..." line in pve-firewall status output',
    });
  return { enabled, state, pendingChanges, warnings, issues };
}
