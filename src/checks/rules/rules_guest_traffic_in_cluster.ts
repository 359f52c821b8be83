import type { CheckResult } from '../define.js';
import { defineCheck } from '../define.js';
import type { Fix } from '../fix/types.js';
import { simulateCommand } from '../lib/commands.js';
import { couldNotRead } from '../lib/files.js';
import { fwPath, guestLabel, guestZone } from '../lib/guests.js';
import { placementNote } from '../lib/phoenix.js';
import { clusterRuleTargets, firstPort } from '../lib/rule-target.js';
import { ruleKey } from '../lib/rules.js';

// cluster.fw [RULES] only build PVEFW-HOST-IN/OUT: bridged guest traffic never passes them.
export default defineCheck({
  id: 'rules_guest_traffic_in_cluster',
  title: "Rules for guest traffic live in the guest's .fw, not in cluster.fw",
  severity: 'critical',
  needs: ['pve'],
  remediation:
    'Add "{rule}" to {file}, where it governs {guest}\'s traffic; in cluster.fw it only filters traffic to the node itself.',
  evaluate(ctx) {
    const cluster = ctx.facts.pve.cluster;
    const unread = couldNotRead(ctx, 'where its rules apply').filter((u) => u.subject.endsWith('cluster.fw'));
    if (!cluster && unread.length > 0) return unread;
    if (!cluster || cluster.rules.length === 0)
      return [{ outcome: 'not_applicable', subject: 'firewall/cluster.fw', detail: 'cluster.fw has no [RULES].' }];
    const targets = clusterRuleTargets(ctx);
    const results: CheckResult[] = [];
    for (const [rule, target] of targets) {
      const file = fwPath(target.vmid);
      const guest = guestLabel(ctx, target.vmid);
      const live = ctx.facts.pve.guestFw[String(target.vmid)]?.rules ?? [];
      const alsoInGuest = live.some((r) => r.enabled && ruleKey(r) === ruleKey(rule));
      const zone = guestZone(ctx, target.vmid);
      const other = target.direction === 'IN' ? rule.source : rule.dest;
      const flow = {
        from: target.direction === 'IN' ? (other && !other.includes('/') ? other : 'outside') : zone,
        to: target.direction === 'IN' ? zone : other && !other.includes('/') ? other : 'outside',
        proto: rule.proto ?? 'tcp',
        dport: firstPort(rule.dport),
      };
      const fixes: Fix[] = [];
      if (!alsoInGuest)
        fixes.push({ kind: 'fw-edit', phase: 'allow', file, ops: [{ op: 'add-rule', text: rule.text }] });
      if (ctx.intent?.source !== 'phoenix')
        fixes.push({
          kind: 'fw-edit',
          phase: 'cleanup',
          file: 'firewall/cluster.fw',
          ops: [{ op: 'remove-line', text: rule.text }],
        });
      results.push({
        outcome: 'fail',
        subject: zone,
        rule: ruleKey(rule),
        severity: alsoInGuest ? 'low' : 'critical',
        detail: `cluster.fw line ${rule.line} "${rule.text}" is meant for ${guest} (${target.because}), but cluster rules only filter traffic to and from the node itself; bridged guest traffic never passes them.${alsoInGuest ? ` ${file} has the same rule, so only the cluster.fw copy is dead.` : ` ${file} has no such rule, so ${guest} does not get it.`}`,
        evidence: ['pve/firewall/cluster.fw', `pve/${file}`],
        vars: { rule: rule.text, file, guest },
        fix: fixes,
        verify: [`${simulateCommand(ctx, flow)}   # expect ${rule.action === 'ACCEPT' ? 'ACCEPT' : rule.action}`],
        phoenix: placementNote(ctx, rule.text, target.vmid),
      });
    }
    return results.length > 0
      ? results
      : [
          {
            outcome: 'pass',
            subject: 'firewall/cluster.fw',
            detail: 'No cluster.fw rule targets a guest.',
            evidence: ['pve/firewall/cluster.fw'],
          },
        ];
  },
});
