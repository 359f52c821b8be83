import { assessAnswers } from '../assess/answers.js';
import type { CheckContext } from '../assess/context.js';
import type { FlowEval } from '../assess/lib/flows.js';
import { guestLabel } from '../assess/lib/guests.js';
import { phrase, sentence } from '../phrase/index.js';
import type { Answer } from '../schema/report.js';
import { observedPhrase } from './observed.js';
import type { Evaluated } from './run-checks.js';

// The three answers: typed in assess/answers.ts, worded by src/phrase.
export function buildAnswers(ctx: CheckContext, ev: readonly Evaluated[], flows: readonly FlowEval[]): Answer[] {
  const words = { guest: (vmid: number) => guestLabel(ctx, vmid) };
  return assessAnswers(ctx, ev, flows).map((a) => {
    const f = a.flowId ? flows.find((x) => x.input.id === a.flowId) : undefined;
    const verb = a.reason.action === 'REJECT' ? 'rejected' : 'dropped';
    const seen = f ? observedPhrase(ctx, f, ' and ') : '';
    const head = a.flow
      ? `${a.flow} is ${verb}: ${phrase(a.reason, words)}${seen ? `; ${seen}` : ''}.`
      : sentence(a.reason, words);
    const more = a.more > 0 ? ` (${a.more} more such finding${a.more > 1 ? 's' : ''})` : '';
    const also = a.also.map((x) => ` ${x.flow}: ${phrase(x.reason, words)}.`).join('');
    return {
      question: a.question,
      answer: a.answer,
      because: `${head.replace(/\.$/, '')}${more}.${also}`,
      reason: a.reason,
    };
  });
}
