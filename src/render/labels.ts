import type { Severity } from '../schema/common.js';
import type { Answer, Flow, Report } from '../schema/report.js';
import type { Tone } from './svg/flow-matrix.js';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

export const QUESTIONS: Record<Answer['question'], { text: string; goodAnswer: 'yes' | 'no' }> = {
  'rules-loaded': { text: 'Are the correct rules loaded on the host?', goodAnswer: 'yes' },
  'guest-firewalls-as-intended': { text: 'Are the guest firewalls enabled as intended?', goodAnswer: 'yes' },
  'packets-dropped': { text: 'Are packets dropped, and where?', goodAnswer: 'no' },
};

export const QUESTION_ORDER = Object.keys(QUESTIONS) as Answer['question'][];

// "yes" is good news for two questions and bad news for the third: colour by meaning, not by word.
export function answerTone(a: Pick<Answer, 'question' | 'answer'>): Tone {
  if (a.answer === 'unknown') return 'warn';
  return a.answer === QUESTIONS[a.question].goodAnswer ? 'good' : 'bad';
}

// "ct102" -> "CT 102 traefik"; names come from the report's own guest list.
export function zoneLabel(report: Report, zone: string | null): string | null {
  if (zone === null) return null;
  const m = /^(ct|vm)(\d+)(?:i(\d+))?$/.exec(zone);
  if (!m) return zone;
  const vmid = Number(m[2]);
  const guest = report.guests.find((g) => g.vmid === vmid);
  const kind = m[1] === 'ct' ? 'CT' : 'VM';
  const nic = m[3] === undefined ? '' : ` net${m[3]}`;
  return `${kind} ${vmid}${nic}${guest?.name ? ` ${guest.name}` : ''}`;
}

export function endpointLabel(report: Report, e: Flow['from']): string {
  const zone = zoneLabel(report, e.zone);
  if (zone && e.ip) return `${zone} (${e.ip})`;
  return zone ?? e.ip ?? 'any';
}

export function service(flow: Pick<Flow, 'proto' | 'dport'>): string {
  return flow.dport === null ? flow.proto : `${flow.proto}/${flow.dport}`;
}

export function route(flow: Flow): string {
  const from = flow.from.zone ?? flow.from.ip ?? 'any';
  const to = flow.to.zone ?? flow.to.ip ?? 'any';
  return `${from} → ${to} ${service(flow)}`;
}

// The analysis may write the verdict as a sentence; pills and matrix cells need a short label.
// A short verdict is shown as is; a sentence is summed up from intent vs simulation vs wire.
export function verdictLabel(flow: {
  verdict: string;
  expected: string | null;
  simulated: { action: string } | null;
  agreement?: string;
  observed?: { probe: { phase: string } | null } | null;
}): { label: string; tone: Tone; sentence: string | null } {
  if (flow.verdict.length <= 24) return { label: flow.verdict, tone: verdictTone(flow.verdict), sentence: null };
  if (flow.agreement === 'disagree') return { label: 'wire differs', tone: 'bad', sentence: flow.verdict };
  // The firewall lets it through as meant, yet the probe failed later (service, TLS, DNS).
  const probe = flow.observed?.probe;
  if (flow.expected === 'ACCEPT' && flow.simulated?.action === 'ACCEPT' && probe && probe.phase !== 'done') {
    return { label: `fails at ${probe.phase}`, tone: 'bad', sentence: flow.verdict };
  }
  if (!flow.expected || !flow.simulated) return { label: 'no intent', tone: 'warn', sentence: flow.verdict };
  return flow.expected === flow.simulated.action
    ? { label: 'as intended', tone: 'good', sentence: flow.verdict }
    : { label: 'not as intended', tone: 'bad', sentence: flow.verdict };
}

export function verdictTone(verdict: string): Tone {
  if (/^(pass|ok|agree|as-expected|reachable)$/i.test(verdict)) return 'good';
  if (/^(fail|mismatch|disagree|unexpected|blocked)$/i.test(verdict)) return 'bad';
  return 'warn';
}

export function location(d: { file: string | null; line: number | null }): string | null {
  if (d.file === null) return null;
  return d.line === null ? d.file : `${d.file}:${d.line}`;
}
