import type { Reason } from '../schema/reason.js';
import type { DecidedBy, RootCause } from '../schema/report.js';
import type { CheckContext } from './context.js';
import type { FlowEval } from './lib/flows.js';
import { probeReason } from './lib/probe-reason.js';
import { blockReason, effectiveVerdict } from './lib/verdict.js';

// The single most likely reason the probed traffic fails, as data: the flow, the layer, the
// reason with its parameters and, when the firewall decided, the decision itself. Null when
// nothing is wrong. With probes, only probed traffic is judged: a flow nobody tried is a
// finding, not the root cause.
export interface RootCauseData {
  flow: FlowEval;
  layer: RootCause['layer'];
  reason: Reason;
  decision: Reason | null; // what decided the packet, when that is not the reason itself
  decidedBy: DecidedBy | null;
}

const LAYER: Partial<Record<Reason['code'], RootCause['layer']>> = {
  'dns-failed': 'dns',
  'tls-untrusted': 'tls',
  'tls-failed': 'tls',
  'http-failed': 'service',
  'service-refused': 'service',
  'syn-unanswered': 'service',
  'firewall-reset': 'firewall',
  'icmp-unreachable': 'routing',
  'no-syn-seen': 'routing',
  'guest-not-running': 'service',
};

const probeFailed = (ctx: CheckContext, f: FlowEval) =>
  f.input.probe !== null && f.input.probe.probe.expect !== 'blocked' && probeReason(ctx, f)?.code !== 'probe-ok';

export function assessRootCause(ctx: CheckContext, flows: readonly FlowEval[]): RootCauseData | null {
  const probed = flows.filter((f) => f.input.probe !== null);
  const failing =
    probed.find((f) => probeFailed(ctx, f)) ??
    (probed.length > 0
      ? undefined
      : flows.find((f) => {
          const e = effectiveVerdict(ctx, f);
          return f.input.expect === 'ACCEPT' && e.action !== null && e.action !== 'ACCEPT';
        }));
  if (!failing) return null;
  const e = effectiveVerdict(ctx, failing);
  const probe = probeReason(ctx, failing);
  const base = { flow: failing, decidedBy: e.decidedBy };
  // Failures before or after the firewall's part: the probe's own step names the cause.
  if (
    probe &&
    ['dns-failed', 'guest-not-running', 'probe-not-run', 'tls-untrusted', 'tls-failed', 'http-failed'].includes(
      probe.code,
    )
  )
    return { ...base, layer: LAYER[probe.code] ?? 'unknown', reason: probe, decision: e.reason };
  const blocked = blockReason(failing, e);
  // When the kernel decided, what the files would do is the other half of the story.
  if (blocked)
    return {
      ...base,
      layer: 'firewall',
      reason: blocked,
      decision: blocked !== e.reason ? e.reason : e.live ? (failing.sim?.reason ?? null) : null,
    };
  if (probe && probe.code !== 'connect-failed')
    return { ...base, layer: LAYER[probe.code] ?? 'unknown', reason: probe, decision: e.reason };
  return {
    ...base,
    layer: 'unknown',
    reason: probe ?? e.reason ?? { code: 'not-simulated', error: 'no simulation' },
    decision: null,
  };
}
