import type { CheckContext } from '../assess/context.js';
import { guestLabel } from '../assess/lib/guests.js';
import type { DecidedBy } from '../schema/report.js';

// "VM 1001's inbound policy (firewall/1001.fw line 3: policy_in: DROP)": where a verdict was made, for people.
export function describeDecision(ctx: CheckContext, d: DecidedBy): string {
  const at = d.file ? `${d.file}${d.line ? ` line ${d.line}` : ''}: ${d.text}` : d.text;
  const vmid = /^firewall\/(\d+)\.fw$/.exec(d.file ?? '')?.[1];
  const owner = vmid
    ? `${guestLabel(ctx, Number(vmid))}'s`
    : d.file?.endsWith('cluster.fw')
      ? "the datacenter's"
      : d.file?.endsWith('host.fw')
        ? "the node's"
        : null;
  if (d.kind === 'policy' && owner) {
    const dir = /policy_out|OUT/.test(d.text) ? 'outbound' : 'inbound';
    return `${owner} ${dir} policy (${at})`;
  }
  if (d.kind === 'rule') return `the rule at ${at}`;
  return owner ? `${owner} default (${at})` : at;
}
