import type { CheckContext } from '../assess/context.js';
import type { FlowEval } from '../assess/lib/flows.js';
import { guestLabel, ipToZone } from '../assess/lib/guests.js';

// What the capture and curl saw for one flow, in words, reading a reset in the light of the
// simulation: after a simulated REJECT it is the firewall's answer, after an ACCEPT the server's.

export function serverName(ctx: CheckContext, f: FlowEval): string {
  const ip = f.flow.to.ip;
  const zone = f.flow.to.zone ?? (ip ? ipToZone(ctx, ip) : null);
  const m = zone ? /^(?:ct|vm)(\d+)$/.exec(zone) : null;
  return m ? guestLabel(ctx, Number(m[1])) : (ip ?? 'the server');
}

export function capturePhrase(ctx: CheckContext, f: FlowEval): string | null {
  const cap = f.flow.observed?.capture;
  if (!cap) return null;
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  switch (cap.verdict) {
    case 'unanswered':
      return `the capture shows ${plural(cap.syn, 'SYN')} with no reply`;
    case 'refused':
      return f.sim?.action === 'REJECT'
        ? "the capture shows the SYN answered with a TCP reset (the firewall's REJECT for TCP)"
        : `the capture shows ${serverName(ctx, f)} answering the SYN with a TCP reset`;
    case 'rejected':
      return 'the capture shows an ICMP unreachable in reply';
    case 'connected':
      return 'the capture shows the TCP handshake completing';
    default:
      return 'no packet of it was captured';
  }
}

export function probePhrase(f: FlowEval): string | null {
  const p = f.flow.observed?.probe;
  return p ? `curl ${p.verdict}` : null;
}

// "the capture shows ...; curl ..." or ''.
export function observedPhrase(ctx: CheckContext, f: FlowEval, joiner = '; '): string {
  return [capturePhrase(ctx, f), probePhrase(f)].filter(Boolean).join(joiner);
}
