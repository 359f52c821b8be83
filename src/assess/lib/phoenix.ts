import type { MeantRule } from '../../intent/schema.js';
import type { CheckContext } from '../context.js';
import { memo } from './memo.js';

// What to tell a Phoenix user: the JSON change that fixes it, or plainly that none can.

export const GENERATOR_PLACEMENT =
  "No change to the Phoenix JSON can fix this: the generator writes every rule, guest rules included, into cluster.fw [RULES], where Proxmox applies them to the node only. The generator must write each guest's firewall.rules into firewall/<vmid>.fw (with enable: 1) instead; until it does, every run puts the rule back in cluster.fw and the guest stays without it.";

export function meantFor(ctx: CheckContext, text: string): MeantRule | undefined {
  // first by text, else first by generated text: the order a linear search would find them in
  const index = memo(ctx, 'meantByText', () => {
    const byText = new Map<string, MeantRule>();
    const byGenerated = new Map<string, MeantRule>();
    for (const m of ctx.intent?.phoenix?.meant ?? []) {
      if (!byText.has(m.text)) byText.set(m.text, m);
      if (!byGenerated.has(m.generatedText)) byGenerated.set(m.generatedText, m);
    }
    return { byText, byGenerated };
  });
  return index.byText.get(text) ?? index.byGenerated.get(text);
}

export function placementNote(ctx: CheckContext, text: string, vmid: number): string | null {
  if (ctx.intent?.source !== 'phoenix') return null;
  const meant = meantFor(ctx, text);
  const where = meant
    ? `The JSON already has this rule (${meant.origin.file}: ${meant.origin.path}), so it is right as written. `
    : '';
  return `${where}${GENERATOR_PLACEMENT.replace('<vmid>', String(vmid))}`;
}

export function regenerateNote(ctx: CheckContext, what: string): string | null {
  if (ctx.intent?.source !== 'phoenix') return null;
  return `The Phoenix JSON already says ${what}; the live file differs from what the generator writes. No JSON change is needed: re-run the Phoenix generator (or apply the patch) so the live file matches it again.`;
}
