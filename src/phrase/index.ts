import type { Reason, ReasonCode } from '../schema/reason.js';
import { ANSWER_PHRASES, CHECK_PHRASES } from './checks.js';
import { FIREWALL_PHRASES } from './firewall.js';
import { KERNEL_PHRASES } from './kernel.js';
import { PROBE_PHRASES } from './probe.js';
import type { Phrase, PhraseContext } from './words.js';

export type { PhraseContext } from './words.js';

// The one place judgement becomes words: every reason code has exactly one phrase (the map is
// exhaustive over the closed list, so a new code does not compile without its wording).
const PHRASES: Record<ReasonCode, Phrase> = {
  ...FIREWALL_PHRASES,
  ...KERNEL_PHRASES,
  ...PROBE_PHRASES,
  ...CHECK_PHRASES,
  ...ANSWER_PHRASES,
};

// A clause, lower-case first letter, no final full stop: phrases compose into sentences.
export function phrase(r: Reason, ctx: PhraseContext = {}): string {
  const { code, ...params } = r;
  return PHRASES[code](params, ctx);
}

// The same as a sentence: capitalised, with a full stop.
export function sentence(r: Reason, ctx: PhraseContext = {}): string {
  const s = phrase(r, ctx);
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;
}

// Several reasons as one sentence: "A; b; c."
export function sentences(rs: readonly Reason[], ctx: PhraseContext = {}): string {
  return rs.length === 0
    ? ''
    : rs.map((r, i) => (i === 0 ? sentence(r, ctx).replace(/\.$/, '') : phrase(r, ctx))).join('; ') + '.';
}
