import { consequenceText } from '../../phrase/notes.js';
import type { Severity } from '../../schema/common.js';
import type { CheckContext } from '../context.js';
import type { FlowSpec } from './commands.js';
import { ipToZone } from './guests.js';

// The severity rubric (README.md) applied to one rule that is not in force: what happens to the
// traffic it describes without it. Blocked although meant open: high. Open although meant
// blocked: critical. The same verdict either way: medium (drift with no consequence today).
export function consequence(
  ctx: CheckContext,
  action: string,
  flow: FlowSpec,
  what: string,
): { severity: Severity; text: string } {
  const side = (v: string) =>
    /^\d+\.\d+\.\d+\.\d+$/.test(v) ? { zone: ipToZone(ctx, v) ?? 'outside', ip: v } : { zone: v, ip: null };
  const from = side(flow.from);
  const to = side(flow.to);
  const sim = ctx.simulate({
    from: from.zone,
    to: to.zone,
    proto: flow.proto === 'udp' ? 'udp' : flow.proto === 'icmp' ? 'icmp' : 'tcp',
    ...(flow.dport ? { dport: flow.dport } : {}),
    ...(from.ip ? { source: from.ip } : {}),
    ...(to.ip ? { dest: to.ip } : {}),
  });
  const meantOpen = action === 'ACCEPT';
  if ('error' in sim)
    return {
      severity: meantOpen ? 'high' : 'critical',
      text: consequenceText({ simulated: false, error: sim.error }),
    };
  const open = sim.action === 'ACCEPT';
  const text = consequenceText({ simulated: true, action: sim.action, decidedBy: sim.decidedBy, meantOpen, what });
  return { severity: meantOpen === open ? 'medium' : meantOpen ? 'high' : 'critical', text };
}
