import { isCompileError } from '../parse/fw-rule.js';
import type { FwFile, FwRule } from '../schema/pve.js';
import { type CompileScope, compileRule } from './compile.js';
import type { CRule, GroupModel } from './types.js';

// Rules Proxmox compiles: enabled, verified, and not FORWARD (the iptables backend ignores it).
export function compileRules(rules: readonly FwRule[], scope: CompileScope): CRule[] {
  const out: CRule[] = [];
  for (const r of rules) {
    if (!r.enabled || r.errors.length > 0 || r.direction === 'FORWARD') continue;
    const c = compileRule(r, scope);
    if (!('error' in c)) out.push(...c);
  }
  return out;
}

// [group] sections of cluster.fw; names resolve in the cluster scope only.
export function compileGroups(cluster: FwFile | null, scope: CompileScope): Map<string, GroupModel> {
  const groups = new Map<string, GroupModel>();
  for (const g of Object.values(cluster?.groups ?? {})) {
    let fatal: string | null = null;
    const rules: CRule[] = [];
    for (const r of g.rules) {
      if (!r.enabled || r.direction === 'FORWARD') continue;
      const compileErr = r.errors.find(isCompileError);
      if (compileErr) {
        fatal ??= `${r.file}:${r.line}: ${compileErr.replace(/^compile: /, '')}`;
        continue;
      }
      if (r.errors.length > 0) continue;
      const c = compileRule(r, scope);
      if ('error' in c) fatal ??= `${r.file}:${r.line}: ${c.error}`;
      else rules.push(...c);
    }
    groups.set(g.name, {
      name: g.name,
      in: rules.filter((r) => r.rule.direction === 'IN'),
      out: rules.filter((r) => r.rule.direction === 'OUT'),
      fatal,
    });
  }
  return groups;
}
