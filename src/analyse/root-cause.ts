import type { CheckContext } from '../checks/context.js';
import type { FlowEval } from '../checks/lib/flows.js';
import type { RootCause } from '../schema/report.js';
import { describeDecision } from './describe.js';
import type { Evaluated } from './run-checks.js';

const probeFailed = (f: FlowEval) => {
  const p = f.flow.observed?.probe;
  return (
    f.input.probe?.probe.expect !== 'blocked' &&
    p !== null &&
    p !== undefined &&
    (p.phase !== 'done' || (p.exitCode ?? 0) !== 0)
  );
};

function observedText(f: FlowEval): string {
  const cap = f.flow.observed?.capture;
  const probe = f.flow.observed?.probe;
  const parts: string[] = [];
  if (cap && cap.verdict !== 'not-seen')
    parts.push(
      cap.verdict === 'unanswered'
        ? `${cap.syn} SYN${cap.syn === 1 ? '' : 's'} captured with no reply`
        : `the capture shows the flow ${cap.verdict}`,
    );
  if (probe) parts.push(`curl ${probe.verdict}`);
  return parts.length > 0 ? ` Observed: ${parts.join('; ')}.` : '';
}

// The single most likely reason the probed traffic fails, from config + simulation + observation.
export function buildRootCause(
  ctx: CheckContext,
  flows: readonly FlowEval[],
  ev: readonly Evaluated[],
): RootCause | null {
  const failing =
    flows.find(probeFailed) ??
    flows.find((f) => f.input.expect === 'ACCEPT' && f.sim !== null && f.sim.action !== 'ACCEPT');
  if (!failing) {
    const ok = flows.find((f) => f.flow.observed?.probe?.phase === 'done');
    if (!ok) return null;
    return {
      summary: `None: it works. ${ok.input.name} connected${ok.flow.observed?.probe?.httpStatus ? ` (HTTP ${ok.flow.observed.probe.httpStatus})` : ''}.`,
      layer: 'unknown',
      flow: ok.input.id,
      decidedBy: ok.sim?.decidedBy ?? null,
    };
  }
  const name = `${failing.input.name} (${failing.flow.from.zone ?? failing.flow.from.ip} -> ${failing.flow.to.zone ?? failing.flow.to.ip} ${failing.input.proto}${failing.input.dport ? `/${failing.input.dport}` : ''})`;
  const probe = failing.flow.observed?.probe;
  const obs = observedText(failing);
  const base = { flow: failing.input.id, decidedBy: failing.sim?.decidedBy ?? null };
  if (probe?.phase === 'dns')
    return {
      ...base,
      summary: `${name} fails before any packet is sent: the name does not resolve (${probe.error ?? probe.verdict}).`,
      layer: 'dns',
    };
  if (probe?.phase === 'tls')
    return {
      ...base,
      summary: `${name} reaches the server, but the TLS handshake fails (${probe.error ?? probe.verdict}): check the certificate and the CA the client trusts.${obs}`,
      layer: 'tls',
    };
  if (probe?.phase === 'http')
    return {
      ...base,
      summary: `${name} connects and completes TLS, but the HTTP exchange fails (${probe.error ?? probe.verdict}): the service is at fault.${obs}`,
      layer: 'service',
    };
  if (failing.sim && failing.sim.action !== 'ACCEPT') {
    const misplaced = ev.find(
      (e) =>
        e.check.id === 'rules_guest_traffic_in_cluster' &&
        e.result.outcome === 'fail' &&
        e.result.subject === failing.flow.to.zone,
    );
    const why = misplaced
      ? ` The rule meant to allow it is in cluster.fw (${misplaced.result.vars?.rule ?? ''}), where it only filters traffic to the node.`
      : '';
    return {
      ...base,
      summary: `${name} is ${failing.sim.action === 'REJECT' ? 'rejected' : 'dropped'} by ${describeDecision(ctx, failing.sim.decidedBy)}.${why}${obs}`,
      layer: 'firewall',
    };
  }
  if (failing.sim?.action === 'ACCEPT' && failing.outcome === 'refused') {
    return {
      ...base,
      summary: `The firewall allows ${name}, but the server answers with a reset: nothing listens on port ${failing.input.dport ?? '?'} at ${failing.flow.to.ip ?? failing.flow.to.zone}.${obs}`,
      layer: 'service',
    };
  }
  if (
    failing.sim?.action === 'ACCEPT' &&
    (failing.outcome === 'blocked' || failing.outcome === 'rejected' || failing.outcome === 'not-seen')
  ) {
    return {
      ...base,
      summary: `The firewall allows ${name}, yet ${failing.outcome === 'not-seen' ? 'no packet reached the capture point' : 'nothing answers'}: look past the firewall, at routing and the path to ${failing.flow.to.ip ?? failing.flow.to.zone}.${obs}`,
      layer: 'routing',
    };
  }
  return {
    ...base,
    summary: `${name} fails and the evidence does not say where${failing.simError ? ` (could not simulate: ${failing.simError})` : ''}.${obs}`,
    layer: 'unknown',
  };
}
