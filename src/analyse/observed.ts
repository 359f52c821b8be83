import type { CheckContext } from '../assess/context.js';
import type { FlowEval } from '../assess/lib/flows.js';
import { serverLabel } from '../assess/lib/probe-reason.js';
import { effectiveVerdict } from '../assess/lib/verdict.js';
import { observedText } from '../phrase/flow.js';

// "the capture shows ...; curl ..." or '': what the wire showed of a flow, worded by src/phrase.
export function observedPhrase(ctx: CheckContext, f: FlowEval, joiner = '; '): string {
  const o = f.flow.observed;
  // a reset is the firewall's when what decides now (the kernel, where it overrules the files) rejects
  return observedText(o?.capture, o?.probe, effectiveVerdict(ctx, f).action, serverLabel(ctx, f), joiner);
}
