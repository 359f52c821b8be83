import type { CheckContext } from '../assess/context.js';
import type { FlowEval } from '../assess/lib/flows.js';
import { guestLabel, ipToZone } from '../assess/lib/guests.js';
import { observedText } from '../phrase/flow.js';

// Who the server of a flow is, for the wording of what the wire showed (src/phrase/flow.ts).
export function serverName(ctx: CheckContext, f: FlowEval): string {
  const ip = f.flow.to.ip;
  const zone = f.flow.to.zone ?? (ip ? ipToZone(ctx, ip) : null);
  const m = zone ? /^(?:ct|vm)(\d+)$/.exec(zone) : null;
  return m ? guestLabel(ctx, Number(m[1])) : (ip ?? 'the server');
}

// "the capture shows ...; curl ..." or ''.
export function observedPhrase(ctx: CheckContext, f: FlowEval, joiner = '; '): string {
  const o = f.flow.observed;
  return observedText(o?.capture, o?.probe, f.sim?.action ?? null, serverName(ctx, f), joiner);
}
