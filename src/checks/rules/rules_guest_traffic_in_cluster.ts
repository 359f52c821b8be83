import type { CheckContext } from '../../assess/context.js';
import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import type { Fix, FwEditOp } from '../../assess/fix/types.js';
import { simulateCommand } from '../../assess/lib/commands.js';
import { consequence } from '../../assess/lib/consequence.js';
import { couldNotRead } from '../../assess/lib/files.js';
import { firewallIntended, fwPath, guestLabel, guestZone, intendedGuests } from '../../assess/lib/guests.js';
import { type Misplaced, misplacedRules, sameForGuest } from '../../assess/lib/misplaced.js';
import { placementNote } from '../../assess/lib/phoenix.js';
import { firstPort } from '../../assess/lib/rule-target.js';
import { parseIntendedRule, ruleKey } from '../../assess/lib/rules.js';
import { becauseText } from '../../phrase/because.js';
import type { Severity } from '../../schema/common.js';
import { reason } from '../../schema/reason.js';

// The line to write into the guest's file: the intent's own wording of the rule when it has one.
function guestText(ctx: CheckContext, m: Misplaced): string {
  const file = fwPath(m.target.vmid);
  const wanted = intendedGuests(ctx).find((g) => g.vmid === m.target.vmid)?.firewall?.rules ?? [];
  for (const text of wanted) {
    const rule = parseIntendedRule(text, 'guest', file);
    if (rule && sameForGuest(ctx, m.target.vmid, rule, m.rule)) return text;
  }
  return m.rule.text;
}

// A guest meant to be filtered whose firewall is not in force accepts everything today; judge the
// rule by the state the intent asks for, where its absence blocks what it allows.
function pendingGuest(ctx: CheckContext, vmid: number, action: string): { severity: Severity; text: string } | null {
  if (action !== 'ACCEPT' || ctx.guestState(vmid).effective) return null;
  if (!firewallIntended(ctx).some((g) => g.vmid === vmid)) return null;
  return {
    severity: 'high',
    text: `${guestLabel(ctx, vmid)}'s firewall is not in force yet (see its own finding); once it is, as intended, this traffic is blocked without the rule.`,
  };
}

// cluster.fw [RULES] only build PVEFW-HOST-IN/OUT: bridged guest traffic never passes them.
export default defineCheck({
  id: 'rules_guest_traffic_in_cluster',
  title: "Rules for guest traffic live in the guest's .fw, not in cluster.fw",
  problem: 'A rule for guest traffic sits in cluster.fw, where it never applies to guests',
  severity: 'high',
  needs: ['pve'],
  remediation: '{action}',
  evaluate(ctx) {
    const cluster = ctx.facts.pve.cluster;
    const unread = couldNotRead(ctx, 'where its rules apply').filter((u) => u.subject.endsWith('cluster.fw'));
    if (!cluster && unread.length > 0) return unread;
    if (!cluster || cluster.rules.length === 0)
      return [{ outcome: 'not_applicable', subject: 'firewall/cluster.fw', detail: 'cluster.fw has no [RULES].' }];
    const results: CheckResult[] = [];
    const lastAdded = new Map<number, string>(); // vmid -> the rule added before, so added rules keep their order
    for (const m of misplacedRules(ctx)) {
      const { rule, target } = m;
      const file = fwPath(target.vmid);
      const guest = guestLabel(ctx, target.vmid);
      const live = ctx.facts.pve.guestFw[String(target.vmid)]?.rules ?? [];
      const copy = live.find((r) => r.enabled && sameForGuest(ctx, target.vmid, r, rule));
      const zone = guestZone(ctx, target.vmid);
      const other = target.direction === 'IN' ? rule.source : rule.dest;
      const peer = other && !other.includes('/') && !other.startsWith('+') ? other : 'outside';
      const flow = {
        from: target.direction === 'IN' ? peer : zone,
        to: target.direction === 'IN' ? zone : peer,
        proto: rule.proto ?? 'tcp',
        dport: firstPort(rule.dport),
      };
      const text = guestText(ctx, m);
      const fixes: Fix[] = [];
      if (!copy) {
        const after = lastAdded.get(target.vmid);
        const op: FwEditOp = after === undefined ? { op: 'add-rule', text } : { op: 'add-rule', text, after };
        fixes.push({ kind: 'fw-edit', phase: 'allow', file, ops: [op] });
        lastAdded.set(target.vmid, text);
      }
      if (ctx.intent?.source !== 'phoenix')
        fixes.push({
          kind: 'fw-edit',
          phase: 'cleanup',
          file: 'firewall/cluster.fw',
          ops: [{ op: 'remove-line', text: rule.text }],
        });
      const effect = copy
        ? {
            severity: 'low' as Severity,
            text: `${file} line ${copy.line} already has it, so only the cluster.fw copy is dead.`,
          }
        : (pendingGuest(ctx, target.vmid, rule.action) ?? consequence(ctx, rule.action, flow, 'the misplacement'));
      const action = copy
        ? ctx.intent?.source === 'phoenix'
          ? `Nothing to apply on the node: ${file} already has this rule; the generated cluster.fw copy only filters traffic to the node itself.`
          : `Remove cluster.fw line ${rule.line} "${rule.text}": ${file} already has it, and in cluster.fw it only filters traffic to the node itself.`
        : ctx.intent?.source === 'phoenix'
          ? `Add "${text}" to ${file}, where it governs ${guest}'s traffic; in cluster.fw it only filters traffic to the node itself.`
          : `Move the rule: add "${text}" to ${file}, where it governs ${guest}'s traffic, and remove it from cluster.fw (line ${rule.line} as audited), where it only filters traffic to the node itself.`;
      results.push({
        outcome: 'fail',
        subject: zone,
        rule: ruleKey(rule),
        severity: effect.severity,
        detail: `cluster.fw line ${rule.line} "${rule.text}" is meant for ${guest} (${becauseText(target.because)}), but cluster rules only filter traffic to and from the node itself; bridged guest traffic never passes them.${copy ? '' : ` ${file} has no such rule, so ${guest} does not get it.`} ${effect.text}`,
        evidence: ['pve/firewall/cluster.fw', `pve/${file}`],
        vars: { action },
        reason: reason('rule-wrong-file', {
          file: 'firewall/cluster.fw',
          line: rule.line,
          text: rule.text,
          vmid: target.vmid,
          direction: target.direction,
          copied: copy !== undefined && copy !== null,
        }),
        fix: fixes,
        verify: [`${simulateCommand(ctx, flow)}   # expect ${rule.action === 'ACCEPT' ? 'ACCEPT' : rule.action}`],
        phoenix: placementNote(ctx, rule.text, target.vmid),
        // The Phoenix generator writes the rule back into cluster.fw on every run, so after the fix
        // this stays, as a dead copy, until the generator places guest rules in the guest's file.
        ...(ctx.intent?.source === 'phoenix'
          ? {
              rerunExpect: `expect this finding to drop to low (a dead cluster.fw copy the generator keeps writing) until the generator writes ${file}`,
            }
          : {}),
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
