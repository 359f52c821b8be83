import type { Action } from '../schema/common.js';
import type { DecidedBy } from '../schema/report.js';
import { plural } from './words.js';

// A flow's verdict line and what the wire showed of it, worded from typed state: the files'
// decision, the capture's verdict, curl's phase, and how they agree.

export type Outcome = 'through' | 'refused' | 'blocked' | 'rejected' | 'not-seen';
export type Agreement = 'agree' | 'disagree' | 'unknown';

// Why a flow could not be simulated.
export type NotSimulated = { kind: 'pve-missing'; step: string } | { kind: 'no-destination' };

export const notSimulatedText = (n: NotSimulated): string =>
  n.kind === 'pve-missing'
    ? `the Proxmox configuration was not collected: ${n.step}`
    : 'the destination address is unknown (the probe did not resolve it)';

// "firewall/1001.fw line 4 (policy_in: DROP)", or what decided when no file line did.
export const decidedAt = (d: DecidedBy): string =>
  d.file ? `${d.file}${d.line ? ` line ${d.line}` : ''} (${d.text})` : d.text;

export interface ProbeRun {
  phase: string;
  exitCode: number | null;
  httpStatus: number | null;
  error?: string | null;
}

export const probeOk = (r: ProbeRun): boolean => r.phase === 'done' && (r.exitCode ?? 0) === 0;

// "reachable (HTTP 200)" or "failed in the connect phase (curl exit 28): ...".
export const probeVerdictText = (r: ProbeRun): string =>
  probeOk(r)
    ? `reachable${r.httpStatus ? ` (HTTP ${r.httpStatus})` : ''}`
    : `failed in the ${r.phase} phase${r.exitCode !== null ? ` (curl exit ${r.exitCode})` : ''}${r.error ? `: ${r.error}` : ''}`;

// A probe that sent nothing the capture could see.
export const notCapturedNote = (from: string, to: string, dport: number | null): string =>
  `No packet from ${from} to ${to}${dport ? `:${dport}` : ''} was captured: the traffic never reached the capture point.`;

export interface FlowVerdictData {
  expect: Action | null;
  sim: { action: Action; decidedBy: DecidedBy } | null;
  notSimulated: string | null; // why there is no simulation
  outcome: Outcome | null;
  cmp: Agreement;
  syns: number;
  probe: (ProbeRun & { verdict: string }) | null;
}

const SEEN: Record<Outcome, string> = {
  through: 'observed: TCP connected',
  refused: 'observed: reset by the server',
  blocked: 'observed: no reply',
  rejected: 'observed: ICMP unreachable',
  'not-seen': 'not seen in the capture',
};

// "intended ACCEPT, simulated DROP at firewall/1001.fw line 4 (policy_in: DROP) (not as intended);
// 3 SYNs unanswered, curl failed in the connect phase ...; simulation and observation agree: ..."
export function flowVerdictText(d: FlowVerdictData): string {
  const parts: string[] = [];
  const { sim, expect, outcome } = d;
  const intended = !expect || !sim || (expect === 'ACCEPT') === (sim.action === 'ACCEPT');
  if (sim) {
    const exp = expect ? `intended ${expect}, ` : '';
    parts.push(`${exp}simulated ${sim.action} at ${decidedAt(sim.decidedBy)}${intended ? '' : ' (not as intended)'}`);
  } else parts.push(`could not simulate: ${d.notSimulated ?? 'no simulation'}`);
  const seen = [
    outcome === 'blocked' && d.syns > 0
      ? `${plural(d.syns, 'SYN')} unanswered`
      : outcome === 'refused' && sim?.action === 'REJECT'
        ? "observed: reset (the firewall's REJECT)"
        : outcome
          ? SEEN[outcome]
          : null,
    d.probe ? `curl ${d.probe.verdict}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  if (seen) parts.push(seen);
  const pastFirewall =
    sim?.action === 'ACCEPT' &&
    (outcome === 'refused' ||
      (d.probe !== null && !probeOk(d.probe) && ['tls', 'http', 'dns'].includes(d.probe.phase)));
  if (d.cmp === 'agree')
    parts.push(
      !intended
        ? 'simulation and observation agree: the configuration does not do what was intended'
        : pastFirewall
          ? 'config, simulation and observation agree: the firewall lets it through, and it fails past the firewall'
          : 'config, simulation and observation agree',
    );
  else if (d.cmp === 'disagree' && sim?.action === 'ACCEPT')
    parts.push(
      outcome === 'rejected'
        ? 'the config allows it, yet something rejects it: look past the firewall'
        : 'the config allows it, yet SYNs go unanswered: look past the firewall',
    );
  else if (d.cmp === 'disagree')
    parts.push(
      `the config ${sim?.action === 'DROP' ? 'drops' : 'rejects'} it, yet a reply was captured: the rules are not applied`,
    );
  return parts.join('; ');
}

// What the capture showed, reading a reset in the light of the simulation: after a simulated
// REJECT it is the firewall's answer, after an ACCEPT the server's.
export function captureText(cap: { verdict: string; syn: number }, simAction: Action | null, server: string): string {
  switch (cap.verdict) {
    case 'unanswered':
      return `the capture shows ${plural(cap.syn, 'SYN')} with no reply`;
    case 'refused':
      return simAction === 'REJECT'
        ? "the capture shows the SYN answered with a TCP reset (the firewall's REJECT for TCP)"
        : `the capture shows ${server} answering the SYN with a TCP reset`;
    case 'rejected':
      return 'the capture shows an ICMP unreachable in reply';
    case 'connected':
      return 'the capture shows the TCP handshake completing';
    default:
      return 'no packet of it was captured';
  }
}

// "the capture shows ...; curl ..." or ''.
export function observedText(
  cap: { verdict: string; syn: number } | null | undefined,
  probe: { verdict: string } | null | undefined,
  simAction: Action | null,
  server: string,
  joiner = '; ',
): string {
  return [cap ? captureText(cap, simAction, server) : null, probe ? `curl ${probe.verdict}` : null]
    .filter(Boolean)
    .join(joiner);
}
