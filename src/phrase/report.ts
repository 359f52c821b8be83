import type { Reason } from '../schema/reason.js';
import { phrase, sentence } from './index.js';
import type { PhraseContext } from './words.js';

// The report's composed judgements: the root cause summary, the three answers' "because", and the
// could-not-tell and runbook sentences of findings. Each is built from typed data only.

export interface RootCauseWords {
  flow: string; // "traefik-to-portainer (ct102 -> vm1001 tcp/443)"
  reason: Reason;
  decision: Reason | null; // what the files did with the packet, when that is not the reason
  seen: string; // what the wire showed (observedText), or ''
}

export function rootCauseSummary(w: RootCauseWords, ctx: PhraseContext): string {
  const decided = w.decision ? ` The packet's fate in the files: ${phrase(w.decision, ctx)}.` : '';
  return `${w.flow}: ${sentence(w.reason, ctx)}${decided}${w.seen ? ` Observed: ${w.seen}.` : ''}`;
}

export interface AnswerWords {
  reason: Reason;
  flow: string | null; // the flow the reason is about
  seen: string; // what the wire showed of it, or ''
  more: number; // further problems of the same kind
  also: Array<{ flow: string; reason: Reason }>;
}

// The action a reason says happened to the flow: the kernel's when it overruled the files.
const blocked = (r: Reason): string => {
  const action = r.code === 'live-differs' ? r.live : r.action;
  return action === 'REJECT' ? 'rejected' : 'dropped';
};

export function answerBecause(a: AnswerWords, ctx: PhraseContext): string {
  const head = a.flow
    ? `${a.flow} is ${blocked(a.reason)}: ${phrase(a.reason, ctx)}${a.seen ? `; ${a.seen}` : ''}.`
    : sentence(a.reason, ctx);
  const more = a.more > 0 ? ` (${a.more} more such finding${a.more > 1 ? 's' : ''})` : '';
  const also = a.also.map((x) => ` ${x.flow}: ${phrase(x.reason, ctx)}.`).join('');
  return `${head.replace(/\.$/, '')}${more}.${also}`;
}

// Findings: what a could-not-tell result asks for, and runbook notes.
export const couldNotTell = (step: string | undefined): string =>
  `Could not tell: ${step ?? 'evidence missing'}. Make that step succeed and re-run the audit.`;
export const couldNotCheck = (checkTitle: string): string =>
  `Could not check: ${checkTitle.charAt(0).toLowerCase()}${checkTitle.slice(1)}`;
export const alreadyDoneBy = (step: number): string =>
  `Step ${step} already makes this change; nothing more to apply here.`;
export const rerunExpectGone = 'expect this finding gone';
export const sameGapLeaves = (checks: readonly string[]): string =>
  `The same missing evidence leaves ${checks.length} more check(s) undecided: ${checks.join(', ')}.`;
export const pveNotCollected = (step: string): string =>
  `Could not tell: the Proxmox configuration was not collected (${step}).`;
export const checkCrashed = (message: string): string => `The check failed to run (a pveaudit bug): ${message}.`;
