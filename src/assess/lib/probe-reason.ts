import { type Reason, reason } from '../../schema/reason.js';
import type { CheckContext } from '../context.js';
import type { FlowEval } from './flows.js';
import { guestLabel, ipToZone } from './guests.js';
import { effectiveVerdict } from './verdict.js';

// What the tried traffic says, as a reason: which step of the probe failed and why, read with the
// capture (a reset after a simulated REJECT is the firewall's, after an ACCEPT the server's).

export function serverLabel(ctx: CheckContext, f: FlowEval): string {
  const ip = f.flow.to.ip;
  const zone = f.flow.to.zone ?? (ip ? ipToZone(ctx, ip) : null);
  const m = zone ? /^(?:ct|vm)(\d+)$/.exec(zone) : null;
  return m ? guestLabel(ctx, Number(m[1])) : (ip ?? 'the server');
}

const hostOf = (url: string): string | null => /^[a-z]+:\/\/([^/:]+)/i.exec(url)?.[1] ?? null;

// True when the probe never put a packet on the wire (nothing to say about drops).
export const SENT_NOTHING = new Set(['dns-failed', 'guest-not-running', 'probe-not-run']);

export function probeReason(ctx: CheckContext, f: FlowEval): Reason | null {
  const p = f.input.probe;
  if (!p) return null;
  const client = p.probe.from;
  const r = p.result;
  if (!r) {
    const why = ctx.facts.missing.find((m) => m.step === `probe-${p.probe.name}`)?.reason ?? null;
    const vmid = /^(?:ct|vm)(\d+)$/.exec(client)?.[1];
    if (vmid && why && /not running|guest agent/i.test(why))
      return reason('guest-not-running', { vmid: Number(vmid), guest: guestLabel(ctx, Number(vmid)), error: why });
    return reason('probe-not-run', { error: why, client });
  }
  const server = serverLabel(ctx, f);
  const address = f.flow.to.ip;
  const port = f.input.dport;
  if (r.phase === 'done' && (r.exitCode ?? 0) === 0) return reason('probe-ok', { status: r.httpStatus });
  if (r.phase === 'dns')
    return reason('dns-failed', { name: r.resolved?.host ?? hostOf(p.probe.url), client, error: r.error });
  if (r.phase === 'tls') {
    const untrusted = r.tls?.verified === false || r.exitCode === 60 || /certificate|verify/i.test(r.error ?? '');
    return untrusted
      ? reason('tls-untrusted', { server, client, cacert: p.probe.cacert ?? null, error: r.error })
      : reason('tls-failed', { server, error: r.error });
  }
  if (r.phase === 'http' || r.phase === 'done')
    return reason('http-failed', { server, status: r.httpStatus, error: r.error });
  const cap = f.flow.observed?.capture;
  if (cap?.verdict === 'refused' || (!cap && r.exitCode === 7))
    // what decides now (the kernel's verdict where it overrules the files) tells whose reset it is
    return effectiveVerdict(ctx, f).action === 'REJECT'
      ? reason('firewall-reset', { address, port })
      : reason('service-refused', { server, address, port });
  if (cap?.verdict === 'rejected') return reason('icmp-unreachable', { address, port });
  if (cap?.verdict === 'unanswered') return reason('syn-unanswered', { syns: cap.syn, address, port, server });
  if (cap?.verdict === 'not-seen') return reason('no-syn-seen', { client, address, port });
  return reason('connect-failed', { error: r.error, address, port, exitCode: r.exitCode });
}
