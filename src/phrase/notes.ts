import type { Action } from '../schema/common.js';
import type { DecidedBy } from '../schema/report.js';
import { decidedAt } from './flow.js';

// Sentences checks add to a finding's detail and remediation, from the typed state they found.

// What happens to the traffic a rule describes while that rule is not in force.
export type Consequence =
  | { simulated: false; error: string }
  | { simulated: true; action: Action; decidedBy: DecidedBy; meantOpen: boolean; what: string };

export function consequenceText(c: Consequence): string {
  if (!c.simulated) return `What happens to this traffic instead could not be simulated (${c.error}).`;
  const open = c.action === 'ACCEPT';
  const verb = open ? 'accepted' : c.action === 'REJECT' ? 'rejected' : 'dropped';
  const text = `Without it, this traffic is ${verb} ${c.decidedBy.file ? `by ${decidedAt(c.decidedBy)}` : `(${c.decidedBy.text})`}`;
  if (c.meantOpen === open) return `${text}, as the rule intends, so ${c.what} has no effect today.`;
  return c.meantOpen
    ? `${text}: traffic meant to be allowed is blocked.`
    : `${text}: traffic meant to be blocked is open.`;
}

// A firewall file whose collection failed.
export const unreadableText = (subject: string, what: string, step: string): string =>
  `${subject} could not be read, so ${what} is unknown there: ${step}.`;

export const NO_INTENT_STEP = 'intent (no intent file or Phoenix directory was given)';

// What to tell a Phoenix user: the JSON change that fixes it, or plainly that none can.
export const generatorPlacement = (vmid: number | string): string =>
  `No change to the Phoenix JSON can fix this: the generator writes every rule, guest rules included, into cluster.fw [RULES], where Proxmox applies them to the node only. The generator must write each guest's firewall.rules into firewall/${vmid}.fw (with enable: 1) instead; until it does, every run puts the rule back in cluster.fw and the guest stays without it.`;

export const placementText = (vmid: number, meant: { file: string; path: string } | null): string =>
  `${meant ? `The JSON already has this rule (${meant.file}: ${meant.path}), so it is right as written. ` : ''}${generatorPlacement(vmid)}`;

export const regenerateText = (what: string): string =>
  `The Phoenix JSON already says ${what}; the live file differs from what the generator writes. No JSON change is needed: re-run the Phoenix generator (or apply the patch) so the live file matches it again.`;
