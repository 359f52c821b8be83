import type { MeantRule } from '../../intent/schema.js';
import { placementText, regenerateText } from '../../phrase/notes.js';
import type { CheckContext } from '../context.js';
import { memo } from './memo.js';

// What to tell a Phoenix user: the JSON change that fixes it, or plainly that none can.

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
  return placementText(vmid, meant ? meant.origin : null);
}

export function regenerateNote(ctx: CheckContext, what: string): string | null {
  if (ctx.intent?.source !== 'phoenix') return null;
  return regenerateText(what);
}
