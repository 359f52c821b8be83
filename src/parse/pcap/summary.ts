import type { CaptureFlow } from '../../schema/observe.js';
import type { CaptureObservation } from '../../schema/report.js';

// The report's view of one flow: counts, verdict, and the packets for the sequence diagram, timed
// from the flow's first packet. Long flows keep their first packets: the diagram is about the start.

export function summariseFlowForReport(flow: CaptureFlow, opts: { maxPackets?: number } = {}): CaptureObservation {
  const max = opts.maxPackets ?? 40;
  const t0 = flow.events[0]?.t ?? 0;
  return {
    syn: flow.syn,
    synAck: flow.synAck,
    rst: flow.rst,
    icmpUnreachable: flow.icmpUnreachable,
    verdict: flow.verdict,
    firstSeen: flow.firstSeen,
    packets: flow.events.slice(0, max).map((e) => ({
      t: Math.round((e.t - t0) * 1e6) / 1e6,
      dir: e.dir ?? (e.src === flow.client && e.sport === flow.sport ? 'forward' : 'reverse'),
      summary: e.summary,
      retransmission: e.retransmission,
    })),
    ...(flow.note ? { note: flow.note } : {}),
  };
}
