import { unreadableText } from '../../phrase/notes.js';
import type { FwFile } from '../../schema/pve.js';
import type { CheckContext } from '../context.js';

// Every parsed firewall file: cluster, host, then guests in vmid order.
export function allFwFiles(ctx: CheckContext): FwFile[] {
  const guests = Object.entries(ctx.facts.pve.guestFw)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, f]) => f);
  return [ctx.facts.pve.cluster, ctx.facts.pve.host, ...guests].filter((f): f is FwFile => f !== null);
}

export const lineOf = (ctx: CheckContext, path: string, line: number | undefined): string =>
  line ? ((ctx.files[path] ?? '').split(/\r?\n/)[line - 1]?.trim() ?? '') : '';

// Firewall files whose collection failed: every file-level check reports them as "could not tell".
export function unreadableFwFiles(ctx: CheckContext): { subject: string; step: string }[] {
  return ctx.facts.missing
    .filter((m) => /\.fw\b/.test(m.step) || /\.fw\b/.test(m.reason))
    .map((m) => ({
      subject: /[\w/.-]+\.fw\b/.exec(`${m.reason} ${m.step}`)?.[0] ?? m.step,
      step: `${m.step} (${m.reason})`,
    }));
}

export const couldNotRead = (ctx: CheckContext, what: string) =>
  unreadableFwFiles(ctx).map((u) => ({
    outcome: 'error' as const,
    subject: u.subject,
    detail: unreadableText(u.subject, what, u.step),
    missingStep: u.step,
  }));
