import { clusterRulesMatchingGuestFlow } from '../firewall/cluster-guest.js';
import { explainMiss } from '../firewall/explain.js';
import { guestFirewallState } from '../firewall/guest-state.js';
import { buildModel } from '../firewall/model.js';
import { simulate } from '../firewall/simulate.js';
import type { LoadedIntent } from '../intent/schema.js';
import type { Facts } from '../schema/facts.js';
import type { FwRule, SimFlow, SimResult } from '../schema/pve.js';
import type { CheckContext } from './context.js';

// Builds the firewall model once and hands checks memoised views of it.
export function buildContext(
  facts: Facts,
  intent: LoadedIntent | null,
  files: Record<string, string>,
  opts: { now?: number } = {},
): CheckContext {
  const model = buildModel(facts.pve, opts);
  const sims = new Map<string, SimResult | { error: string }>();
  const clusterMatches = new Map<string, FwRule[]>();
  return {
    facts,
    intent,
    files,
    guestState: (vmid) => guestFirewallState(model, vmid),
    simulate(flow: SimFlow): SimResult | { error: string } {
      const key = JSON.stringify(flow);
      const cached = sims.get(key);
      if (cached) return cached;
      let result: SimResult | { error: string };
      try {
        result = simulate(model, flow);
      } catch (err) {
        // Proxmox's simulator aborts on the same inputs; the check reports "could not tell".
        result = { error: err instanceof Error ? err.message : String(err) };
      }
      sims.set(key, result);
      return result;
    },
    explainMiss: (flow, sim) => explainMiss(model, flow, sim),
    clusterRulesForGuestFlow(flow) {
      const key = JSON.stringify(flow);
      const cached = clusterMatches.get(key);
      if (cached) return cached;
      let rules: FwRule[];
      try {
        rules = clusterRulesMatchingGuestFlow(model, flow);
      } catch {
        // An endpoint the model does not know (a guest on another node): no cluster rule to point at.
        rules = [];
      }
      clusterMatches.set(key, rules);
      return rules;
    },
  };
}
