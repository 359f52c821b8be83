import type { FwRule, SimFlow } from '../../schema/pve.js';
import type { CheckContext } from '../context.js';
import type { Explained } from '../define.js';
import { guestIp, guestZone } from './guests.js';
import { memo } from './memo.js';
import { clusterRuleTargets, type RuleTarget } from './rule-target.js';
import { ruleKey } from './rules.js';

// One problem, one finding: a guest rule that sits in cluster.fw is reported by
// rules_guest_traffic_in_cluster; the intent comparison and the flow simulation point at that
// finding (explainedBy) instead of repeating it.

export const MISPLACED_CHECK = 'rules_guest_traffic_in_cluster';

// A rule as it would read inside the guest's own file: the guest's own address on its side is implied there.
export function guestSideKey(rule: FwRule, ip: string | null): string {
  const own = (addr: string | null) => addr !== null && ip !== null && addr.replace(/\/32$/, '') === ip;
  const stripped = {
    ...rule,
    enabled: true,
    comment: null,
    source: rule.direction === 'OUT' && own(rule.source) ? null : rule.source,
    dest: rule.direction === 'IN' && own(rule.dest) ? null : rule.dest,
  };
  return ruleKey(stripped);
}

// True when the two rules do the same thing for this guest (one may spell out the guest's own address).
export const sameForGuest = (ctx: CheckContext, vmid: number, a: FwRule, b: FwRule): boolean =>
  guestSideKey(a, guestIp(ctx, vmid)) === guestSideKey(b, guestIp(ctx, vmid));

export interface Misplaced {
  rule: FwRule; // the cluster.fw rule
  target: RuleTarget;
}

export function misplacedRules(ctx: CheckContext): Misplaced[] {
  return memo(ctx, 'misplacedRules', () => [...clusterRuleTargets(ctx)].map(([rule, target]) => ({ rule, target })));
}

export const explainedByMisplaced = (ctx: CheckContext, m: Misplaced): Explained => ({
  checkId: MISPLACED_CHECK,
  subject: guestZone(ctx, m.target.vmid),
  rule: ruleKey(m.rule),
});

// The misplaced cluster rule that would have given this guest rule, if any.
export function misplacedCopyOf(ctx: CheckContext, vmid: number, rule: FwRule): Misplaced | undefined {
  // indexed by guest and guest-side key once; the first in cluster.fw order wins, as a search would
  const index = memo(ctx, 'misplacedByGuestKey', () => {
    const byKey = new Map<string, Misplaced>();
    for (const m of misplacedRules(ctx)) {
      const key = `${m.target.vmid} ${guestSideKey(m.rule, guestIp(ctx, m.target.vmid))}`;
      if (!byKey.has(key)) byKey.set(key, m);
    }
    return byKey;
  });
  return index.get(`${vmid} ${guestSideKey(rule, guestIp(ctx, vmid))}`);
}

// The misplaced cluster rule that, had it been in the guest's file, would have decided this flow.
export function misplacedRuleForFlow(ctx: CheckContext, flow: SimFlow, expect: string): Misplaced | undefined {
  const to = /^(?:ct|vm)(\d+)$/.exec(flow.to)?.[1];
  const from = /^(?:ct|vm)(\d+)$/.exec(flow.from)?.[1];
  const candidates = ctx.clusterRulesForGuestFlow(flow);
  const byRule = memo(ctx, 'misplacedByRule', () => {
    const index = new Map<FwRule, Misplaced[]>();
    for (const m of misplacedRules(ctx)) index.set(m.rule, [...(index.get(m.rule) ?? []), m]);
    return index;
  });
  for (const rule of candidates) {
    const m = byRule
      .get(rule)
      ?.find(
        (x) =>
          (x.target.direction === 'IN' && String(x.target.vmid) === to) ||
          (x.target.direction === 'OUT' && String(x.target.vmid) === from),
      );
    if (m && (m.rule.action === 'ACCEPT') === (expect === 'ACCEPT')) return m;
  }
  return undefined;
}
