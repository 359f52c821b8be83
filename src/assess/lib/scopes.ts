import type { FwFileKind, FwRule } from '../../schema/pve.js';
import type { CheckContext } from '../context.js';
import { fwPath, guestIp } from './guests.js';
import { memo } from './memo.js';
import { guestSideKey } from './misplaced.js';
import { compareRules, type RuleComparison, ruleKey } from './rules.js';

// Each file the intent states rules for, with the live rules found there.
export interface RuleScopeView {
  file: string;
  kind: FwFileKind;
  vmid: number | null;
  intended: string[];
  live: FwRule[];
  exists: boolean;
  // when two rules mean the same here: in a guest's file its own address is implied
  key: (rule: FwRule) => string;
}

// Once per analysis (memo): three checks walk the same scopes and compare each of them.
export function intendedScopes(ctx: CheckContext): readonly RuleScopeView[] {
  return memo(ctx, 'intended-scopes', () => buildScopes(ctx));
}

const comparisons = new WeakMap<RuleScopeView, RuleComparison>();

// A scope's intended rules against its live rules, computed for the first check that asks.
export function compareScope(scope: RuleScopeView): RuleComparison {
  let cmp = comparisons.get(scope);
  if (!cmp) {
    cmp = compareRules(scope.intended, scope.live, scope.kind, scope.file, scope.key);
    comparisons.set(scope, cmp);
  }
  return cmp;
}

function buildScopes(ctx: CheckContext): RuleScopeView[] {
  const out: RuleScopeView[] = [];
  const cluster = ctx.intent?.intent.cluster?.rules;
  if (cluster) {
    const live = ctx.facts.pve.cluster;
    out.push({
      file: 'firewall/cluster.fw',
      kind: 'cluster',
      vmid: null,
      intended: cluster,
      live: live?.rules ?? [],
      exists: live !== null,
      key: ruleKey,
    });
  }
  for (const g of ctx.intent?.intent.guests ?? []) {
    if (!g.firewall?.rules) continue;
    const live = ctx.facts.pve.guestFw[String(g.vmid)];
    out.push({
      file: fwPath(g.vmid),
      kind: 'guest',
      vmid: g.vmid,
      intended: g.firewall.rules,
      live: live?.rules ?? [],
      exists: live !== undefined,
      key: (rule) => guestSideKey(rule, guestIp(ctx, g.vmid)),
    });
  }
  return out;
}
