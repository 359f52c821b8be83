import type { Because } from '../../phrase/because.js';
import type { FwRule, SimFlow } from '../../schema/pve.js';
import type { CheckContext } from '../context.js';
import { ipToZone, vmidOfIp } from './guests.js';
import { memo } from './memo.js';
import { meantFor } from './phoenix.js';

// Which guest a cluster.fw rule was written for, if any: by its addresses, by the Phoenix file it
// came from, or because it would match an intended flow into a guest.

export interface RuleTarget {
  vmid: number;
  direction: 'IN' | 'OUT';
  because: Because;
}

const single = (addr: string | null): string | null =>
  addr && /^\d+\.\d+\.\d+\.\d+(\/32)?$/.test(addr) ? addr.replace(/\/32$/, '') : null;

export function clusterRuleTargets(ctx: CheckContext): Map<FwRule, RuleTarget> {
  return memo(ctx, 'clusterRuleTargets', () => computeTargets(ctx));
}

function computeTargets(ctx: CheckContext): Map<FwRule, RuleTarget> {
  const out = new Map<FwRule, RuleTarget>();
  const rules = (ctx.facts.pve.cluster?.rules ?? []).filter(
    (r) => r.enabled && r.errors.length === 0 && (r.direction === 'IN' || r.direction === 'OUT'),
  );
  for (const rule of rules) {
    const meant = meantFor(ctx, rule.text);
    if (meant?.vmid != null) {
      out.set(rule, {
        vmid: meant.vmid,
        direction: rule.direction as 'IN' | 'OUT',
        because: { by: 'phoenix-lists', vmid: meant.vmid, file: meant.origin.file, path: meant.origin.path },
      });
      continue;
    }
    const dest = vmidOfIp(ctx, single(rule.dest));
    const source = vmidOfIp(ctx, single(rule.source));
    if (rule.direction === 'IN' && dest !== null)
      out.set(rule, {
        vmid: dest,
        direction: 'IN',
        because: { by: 'dest-is-guest', address: rule.dest ?? '', vmid: dest },
      });
    else if (rule.direction === 'OUT' && source !== null)
      out.set(rule, {
        vmid: source,
        direction: 'OUT',
        because: { by: 'source-is-guest', address: rule.source ?? '', vmid: source },
      });
  }
  for (const flow of ctx.intent?.intent.flows ?? []) {
    const m = /^(?:ct|vm)(\d+)$/.exec(flow.to) ?? /^(?:ct|vm)(\d+)$/.exec(ipToZone(ctx, flow.to) ?? '');
    if (!m) continue;
    const sim: SimFlow = {
      from: flow.from,
      to: flow.to,
      proto: flow.proto,
      ...(flow.dport !== undefined ? { dport: flow.dport } : {}),
    };
    for (const rule of ctx.clusterRulesForGuestFlow(sim)) {
      if (!out.has(rule))
        out.set(rule, {
          vmid: Number(m[1]),
          direction: 'IN',
          because: { by: 'intended-flow', flow: flow.name ?? `${flow.from} -> ${flow.to}` },
        });
    }
  }
  return out;
}

export function firstPort(dport: string | null): number | null {
  const n = Number(dport?.split(/[,:]/)[0]);
  return Number.isInteger(n) && n > 0 ? n : null;
}
