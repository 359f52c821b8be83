import type { CheckContext } from '../assess/context.js';
import type { FlowEval } from '../assess/lib/flows.js';
import { misplacedRuleForFlow } from '../assess/lib/misplaced.js';
import type { SimFlow } from '../schema/pve.js';
import type { RootCause } from '../schema/report.js';
import { describeDecision } from './describe.js';
import { observedPhrase, serverName } from './observed.js';

const probeFailed = (f: FlowEval) => {
  const p = f.flow.observed?.probe;
  return (
    f.input.probe?.probe.expect !== 'blocked' &&
    p !== null &&
    p !== undefined &&
    (p.phase !== 'done' || (p.exitCode ?? 0) !== 0)
  );
};

function simFlowOf(f: FlowEval): SimFlow {
  return {
    from: f.flow.from.zone ?? 'outside',
    to: f.flow.to.zone ?? 'outside',
    proto: f.input.proto,
    ...(f.input.dport !== null ? { dport: f.input.dport } : {}),
    ...(f.flow.from.ip ? { source: f.flow.from.ip } : {}),
    ...(f.flow.to.ip ? { dest: f.flow.to.ip } : {}),
  };
}

// The single most likely reason the probed traffic fails, from config + simulation + observation.
// With probes, only probed traffic is judged: a flow nobody tried is a finding, not the root cause.
export function buildRootCause(ctx: CheckContext, flows: readonly FlowEval[]): RootCause | null {
  const probed = flows.filter((f) => f.flow.observed?.probe);
  const failing =
    probed.find(probeFailed) ??
    (probed.length > 0
      ? undefined
      : flows.find((f) => f.input.expect === 'ACCEPT' && f.sim !== null && f.sim.action !== 'ACCEPT'));
  if (!failing) {
    const ok = probed.find((f) => f.flow.observed?.probe?.phase === 'done');
    if (!ok) return null;
    const status = ok.flow.observed?.probe?.httpStatus;
    const unprobed = flows.filter(
      (f) => !f.flow.observed?.probe && f.input.expect === 'ACCEPT' && f.sim !== null && f.sim.action !== 'ACCEPT',
    );
    const note =
      unprobed.length > 0
        ? ` Not probed: ${unprobed.map((f) => f.input.name).join(', ')} ${unprobed.length === 1 ? 'is' : 'are'} blocked in simulation (see the findings).`
        : '';
    return {
      summary: `None: it works. ${ok.input.name} connected${status ? ` (HTTP ${status})` : ''}.${note}`,
      layer: 'unknown',
      flow: ok.input.id,
      decidedBy: ok.sim?.decidedBy ?? null,
    };
  }
  const name = `${failing.input.name} (${failing.flow.from.zone ?? failing.flow.from.ip} -> ${failing.flow.to.zone ?? failing.flow.to.ip} ${failing.input.proto}${failing.input.dport ? `/${failing.input.dport}` : ''})`;
  const probe = failing.flow.observed?.probe;
  const seen = observedPhrase(ctx, failing);
  const obs = seen ? ` Observed: ${seen}.` : '';
  const base = { flow: failing.input.id, decidedBy: failing.sim?.decidedBy ?? null };
  const allowedBy =
    failing.sim?.action === 'ACCEPT' ? ` (accepted by ${describeDecision(ctx, failing.sim.decidedBy)})` : '';
  const server = serverName(ctx, failing);
  const client = failing.flow.from.zone ?? failing.flow.from.ip ?? 'the client';
  if (probe?.phase === 'dns')
    return {
      ...base,
      summary: `${name} fails before any packet is sent: the name does not resolve in ${client} (${probe.error ?? probe.verdict}). Fix DNS, not the firewall.`,
      layer: 'dns',
    };
  if (probe?.phase === 'tls') {
    const ca = failing.input.probe?.probe.cacert;
    return {
      ...base,
      summary: `${name} gets through the firewall${allowedBy} and TCP connects, but the TLS handshake fails (${probe.error ?? probe.verdict}): ${client} does not trust the certificate ${server} presents${ca ? `, checked against ${ca}` : ''}. Fix the server certificate or the CA the client trusts, not the firewall.${obs}`,
      layer: 'tls',
    };
  }
  if (probe?.phase === 'http')
    return {
      ...base,
      summary: `${name} connects and completes TLS, but the HTTP exchange fails (${probe.error ?? probe.verdict}): the service on ${server} is at fault.${obs}`,
      layer: 'service',
    };
  if (failing.sim && failing.sim.action !== 'ACCEPT') {
    const misplaced = misplacedRuleForFlow(ctx, simFlowOf(failing), 'ACCEPT');
    const why = misplaced
      ? ` The rule meant to allow it is in cluster.fw (line ${misplaced.rule.line}: ${misplaced.rule.text}), where it only filters traffic to the node.`
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
      summary: `The firewall allows ${name}${allowedBy}, but ${server} answers the SYN with a TCP reset: nothing listens on port ${failing.input.dport ?? '?'} at ${failing.flow.to.ip ?? failing.flow.to.zone}. Start or fix the service, not the firewall.${obs}`,
      layer: 'service',
    };
  }
  if (
    failing.sim?.action === 'ACCEPT' &&
    (failing.outcome === 'blocked' || failing.outcome === 'rejected' || failing.outcome === 'not-seen')
  ) {
    return {
      ...base,
      summary: `The firewall allows ${name}${allowedBy}, yet ${failing.outcome === 'not-seen' ? 'no packet reached the capture point' : 'nothing answers'}: look past the firewall, at routing and the path to ${failing.flow.to.ip ?? failing.flow.to.zone}.${obs}`,
      layer: 'routing',
    };
  }
  return {
    ...base,
    summary: `${name} fails and the evidence does not say where${failing.simError ? ` (could not simulate: ${failing.simError})` : ''}.${obs}`,
    layer: 'unknown',
  };
}
