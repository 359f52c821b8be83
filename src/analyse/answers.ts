import { assessAnswers } from '../assess/answers.js';
import type { CheckContext } from '../assess/context.js';
import type { FlowEval } from '../assess/lib/flows.js';
import { guestLabel } from '../assess/lib/guests.js';
import { answerBecause } from '../phrase/report.js';
import type { Answer } from '../schema/report.js';
import { observedPhrase } from './observed.js';
import type { Evaluated } from './run-checks.js';

// The three answers: typed in assess/answers.ts, worded by src/phrase.
export function buildAnswers(ctx: CheckContext, ev: readonly Evaluated[], flows: readonly FlowEval[]): Answer[] {
  const words = { guest: (vmid: number) => guestLabel(ctx, vmid) };
  return assessAnswers(ctx, ev, flows).map((a) => {
    const f = a.flowId ? flows.find((x) => x.input.id === a.flowId) : undefined;
    const because = answerBecause(
      { reason: a.reason, flow: a.flow, seen: f ? observedPhrase(ctx, f, ' and ') : '', more: a.more, also: a.also },
      words,
    );
    return {
      question: a.question,
      answer: a.answer,
      because,
      reason: a.reason,
    };
  });
}
