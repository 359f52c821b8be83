import { summariseFlowForReport } from '../../parse/pcap/summary.js';
import { notCapturedNote, probeVerdictText } from '../../phrase/flow.js';
import type { Facts } from '../../schema/facts.js';
import type { CurlResult } from '../../schema/observe.js';
import type { CaptureObservation, ProbeObservation } from '../../schema/report.js';

// Observations for one flow: the capture flow matching its hosts and port, and the probe's curl run.

export function captureFor(
  facts: Facts,
  // attempted: a probe sent this flow while the capture ran, so its absence from the capture means something.
  q: { fromIp: string | null; toIp: string | null; proto: string; dport: number | null; attempted: boolean },
): CaptureObservation | null {
  if (!q.fromIp || !q.toIp || facts.captures.length === 0) return null;
  const candidates = facts.captures.flatMap((c) =>
    c.flows
      .filter(
        (f) =>
          f.proto === q.proto &&
          f.client === q.fromIp &&
          f.server === q.toIp &&
          (q.dport === null || f.dport === q.dport),
      )
      .map((f) => ({ c, f })),
  );
  // Several client ports (curl retries, parallel probes): the one with the most SYNs tells the story.
  candidates.sort((a, b) => b.f.syn - a.f.syn || b.f.lastSeen.localeCompare(a.f.lastSeen));
  const best = candidates[0];
  if (best) return { ...summariseFlowForReport(best.f), file: best.c.file };
  if (!q.attempted) return null;
  const covered =
    facts.captureHosts.length === 0 || (facts.captureHosts.includes(q.fromIp) && facts.captureHosts.includes(q.toIp));
  if (!covered) return null;
  const file = facts.captures[0]?.file;
  return {
    syn: 0,
    synAck: 0,
    rst: 0,
    icmpUnreachable: 0,
    verdict: 'not-seen',
    ...(file ? { file } : {}),
    note: notCapturedNote(q.fromIp, q.toIp, q.dport),
  };
}

export function probeObservation(result: CurlResult): ProbeObservation {
  const verdict = probeVerdictText(result);
  return {
    exitCode: result.exitCode,
    phase: result.phase,
    httpStatus: result.httpStatus,
    verdict,
    file: result.file,
    error: result.error,
    connectedTo: result.connectedTo,
    ...(result.tls
      ? {
          tls: {
            version: result.tls.version,
            subject: result.tls.subject,
            issuer: result.tls.issuer,
            verified: result.tls.verified,
          },
        }
      : {}),
  };
}

// What the observations say happened to the packets: through (answered), blocked, or unknown.
export function observedOutcome(
  capture: CaptureObservation | null,
  probe: ProbeObservation | null,
): 'through' | 'refused' | 'blocked' | 'rejected' | 'not-seen' | null {
  if (capture) {
    if (capture.verdict === 'connected') return 'through';
    if (capture.verdict === 'refused') return 'refused';
    if (capture.verdict === 'unanswered') return 'blocked';
    if (capture.verdict === 'rejected') return 'rejected';
  }
  if (probe) {
    if (probe.phase === 'tls' || probe.phase === 'http' || probe.phase === 'done') return 'through';
    if (probe.phase === 'connect') return probe.exitCode === 7 ? 'refused' : 'blocked';
  }
  return capture?.verdict === 'not-seen' ? 'not-seen' : null;
}
