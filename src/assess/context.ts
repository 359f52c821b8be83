import type { LoadedIntent } from '../intent/schema.js';
import type { Facts } from '../schema/facts.js';
import type { FwRule, GuestFirewallState, SimFlow, SimResult } from '../schema/pve.js';
import type { Reason } from '../schema/reason.js';

// What every check sees. The firewall model is reached through these functions (built once per
// analysis in build-context.ts), so a check never rebuilds the model and tests can stub nothing.
export interface CheckContext {
  facts: Facts;
  intent: LoadedIntent | null;
  files: Record<string, string>; // /etc/pve-relative path -> live text, for diffs
  guestState(vmid: number): GuestFirewallState;
  // A simulation, or why it could not run (Proxmox's simulator would abort too).
  simulate(flow: SimFlow): SimResult | { error: string };
  // Why the rule meant to accept a flow that was not accepted did not match (null: none found).
  explainMiss(flow: SimFlow, sim: SimResult): Reason | null;
  // cluster.fw rules that would match this flow if cluster rules governed guest traffic.
  clusterRulesForGuestFlow(flow: SimFlow): FwRule[];
}
