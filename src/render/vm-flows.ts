import type { CaptureObservation, Flow, ProbeObservation, Report } from '../schema/report.js';
import { endpointLabel, location, route, service, verdictLabel, zoneLabel } from './labels.js';
import { describeSequence } from './svg/caption.js';
import { flowMatrixSvg, type MatrixCell, type MatrixRow, type Tone } from './svg/flow-matrix.js';
import { sequenceSvg } from './svg/sequence.js';

// What the wire showed, reduced to the firewall's vocabulary so it can be compared with the intent.
type Outcome = 'ACCEPT' | 'DROP' | 'REJECT' | 'REACHED' | null;

const CAPTURE: Record<CaptureObservation['verdict'], { label: (c: CaptureObservation) => string; outcome: Outcome }> = {
  unanswered: { label: (c) => `no reply (${c.syn} SYN)`, outcome: 'DROP' },
  refused: { label: () => 'refused (RST)', outcome: 'REACHED' },
  rejected: { label: () => 'rejected (ICMP)', outcome: 'REJECT' },
  connected: { label: () => 'connected', outcome: 'ACCEPT' },
  'not-seen': { label: () => 'not seen', outcome: null },
};

function probeOutcome(p: ProbeObservation): { label: string; outcome: Outcome } {
  if (p.exitCode === 0) return { label: p.httpStatus ? `HTTP ${p.httpStatus}` : 'connected', outcome: 'ACCEPT' };
  if (p.phase === 'connect' && p.exitCode === 28) return { label: 'timed out', outcome: 'DROP' };
  if (p.phase === 'connect' && p.exitCode === 7) return { label: 'refused', outcome: 'REACHED' };
  if (p.phase === 'tls' || p.phase === 'http') return { label: `${p.phase} failed`, outcome: 'REACHED' };
  return { label: `curl exit ${p.exitCode ?? '?'}`, outcome: null };
}

function observedOutcome(flow: Flow): { label: string; outcome: Outcome } | null {
  const capture = flow.observed?.capture;
  if (capture) return { label: CAPTURE[capture.verdict].label(capture), outcome: CAPTURE[capture.verdict].outcome };
  const probe = flow.observed?.probe;
  return probe ? probeOutcome(probe) : null;
}

function toneAgainst(expected: Flow['expected'], outcome: Outcome): Tone {
  if (expected === null || outcome === null) return 'neutral';
  if (outcome === 'REACHED') return expected === 'ACCEPT' ? 'warn' : 'bad';
  const blocked = outcome !== 'ACCEPT';
  return blocked === (expected === 'DROP') ? 'good' : 'bad';
}

function matrixRow(flow: Flow): MatrixRow {
  const obs = observedOutcome(flow);
  const cell = (label: string, tone: Tone): MatrixCell => ({ label, tone });
  return {
    name: flow.name,
    route: route(flow),
    intended: flow.expected ? cell(flow.expected, 'neutral') : cell('no intent', 'none'),
    simulated: flow.simulated
      ? cell(flow.simulated.action, toneAgainst(flow.expected, flow.simulated.action))
      : cell('not simulated', 'none'),
    live: liveMatrixCell(flow),
    observed: obs ? cell(obs.label, toneAgainst(flow.expected, obs.outcome)) : cell('not probed', 'none'),
    verdict: cell(verdictLabel(flow).label, verdictLabel(flow).tone),
  };
}

function liveMatrixCell(flow: Flow): MatrixCell {
  const live = liveCell(flow);
  if (!live) return { label: 'not walked', tone: 'none' };
  return { label: live.action, tone: live.tone };
}

function probeLine(p: ProbeObservation): string {
  const what = p.exitCode === 0 ? 'curl succeeded' : `curl exit ${p.exitCode ?? '?'} in the ${p.phase} phase`;
  const status = p.httpStatus ? `, HTTP ${p.httpStatus}` : '';
  return p.error ? `${what}${status}: ${p.error}` : `${what}${status}`;
}

function flowRow(report: Report, flow: Flow) {
  const obs = observedOutcome(flow);
  const sim = flow.simulated;
  return {
    anchor: `flow-${flow.id}`,
    name: flow.name,
    source: flow.source ?? null,
    from: endpointLabel(report, flow.from),
    to: endpointLabel(report, flow.to),
    service: service(flow),
    expected: flow.expected ?? 'none stated',
    simulated: sim
      ? {
          action: sim.action,
          tone: toneAgainst(flow.expected, sim.action),
          where: location(sim.decidedBy),
          kind: sim.decidedBy.kind,
          text: sim.decidedBy.text,
        }
      : null,
    live: liveCell(flow),
    observed: obs ? { label: obs.label, tone: toneAgainst(flow.expected, obs.outcome) } : null,
    probe: flow.observed?.probe ? probeLine(flow.observed.probe) : null,
    verdict: verdictLabel(flow).label,
    verdictTone: verdictLabel(flow).tone,
    verdictSentence: verdictLabel(flow).sentence,
    agreement: agreementText(flow),
  };
}

function sequence(report: Report, flow: Flow) {
  const capture = flow.observed?.capture;
  if (!capture?.packets || capture.packets.length === 0) return null;
  const end = (e: Flow['from']) => ({
    label: zoneLabel(report, e.zone) ?? e.ip ?? 'unknown',
    detail: e.ip ?? e.zone ?? '',
  });
  const input = { client: end(flow.from), server: end(flow.to), packets: capture.packets, verdict: capture.verdict };
  return {
    anchor: `seq-${flow.id}`,
    name: flow.name,
    route: `${endpointLabel(report, flow.from)} → ${endpointLabel(report, flow.to)}, ${service(flow)}`,
    svg: sequenceSvg(input),
    sentence: describeSequence(input),
    note: capture.note ?? null,
    file: capture.file ?? null,
    probe: flow.observed?.probe ? probeLine(flow.observed.probe) : null,
  };
}

export function flowsView(report: Report) {
  return {
    rows: report.flows.map((f) => flowRow(report, f)),
    matrixSvg: report.flows.length > 0 ? flowMatrixSvg(report.flows.map(matrixRow)) : null,
    sequences: report.flows.map((f) => sequence(report, f)).filter((s) => s !== null),
  };
}

// `agreement` compares intent, simulation and observation at once; say which part differs.
function agreementText(flow: Flow): string | null {
  if (!flow.observed?.capture && !flow.observed?.probe) return flow.simulated ? 'not observed on the wire' : null;
  if (flow.agreement === 'agree') return 'intent, config and wire agree';
  if (flow.agreement === 'partial') return 'config and wire agree; the intent differs';
  if (flow.agreement === 'disagree') return 'config and wire disagree';
  return null;
}

// The kernel's verdict (flows[].live) next to the files' and the wire's; `differs` when the files
// and the loaded ruleset decide differently.
function liveCell(flow: Flow) {
  const live = flow.live;
  if (!live) return null;
  const action = live.action;
  const outcome: Outcome = action === 'unknown' ? null : action;
  const sim = flow.simulated?.action;
  return {
    action,
    tone: action === 'unknown' ? ('neutral' as Tone) : toneAgainst(flow.expected, outcome),
    where: live.chain ? (live.rule !== null ? `${live.chain} #${live.rule}` : `${live.chain} policy`) : null,
    text: live.text,
    differs: action !== 'unknown' && sim !== undefined && (sim === 'ACCEPT') !== (action === 'ACCEPT'),
  };
}
