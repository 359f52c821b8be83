import type { FleetIndex } from '../schema/fleet.js';
import { QUESTION_ORDER, QUESTIONS, SEVERITY_LABEL, SEVERITY_ORDER } from './labels.js';
import { templates } from './templates.js';
import { formatUtc } from './time.js';

// "3 h", "2 d": how old a host's newest run is.
function age(hours: number | null): string {
  if (hours === null) return 'unknown';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} d`;
}

// index.html: one row per host, worst first; hosts needing attention are marked, not hidden.
export function renderFleetHtml(index: FleetIndex): string {
  const t = templates();
  const attention = index.hosts.filter((h) => h.attention).length;
  return t.fleet({
    css: t.css,
    meta: { title: 'Firewall audits: fleet overview', author: 'pveaudit', subject: 'Newest audit of every host' },
    generated: formatUtc(index.generatedAt),
    maxAge: age(index.maxAgeHours),
    total: index.hosts.length,
    attention,
    questions: QUESTION_ORDER.map((q) => QUESTIONS[q].text),
    hosts: index.hosts.map((h) => ({
      host: h.host,
      run: h.run ?? '-',
      started: h.startedAt ? formatUtc(h.startedAt) : 'unknown',
      status: h.status,
      stale: h.stale,
      attention: h.attention,
      problem: h.problem,
      age: age(h.ageHours),
      counts: SEVERITY_ORDER.map((s) => ({
        severity: s,
        label: SEVERITY_LABEL[s],
        count: h.summary[s] ?? 0,
        zero: !h.summary[s],
      })),
      answers: QUESTION_ORDER.map((q) => h.answers.find((a) => a.question === q)?.answer.toUpperCase() ?? '-'),
      rootCause: h.rootCause ?? 'none',
      links: h.links,
      runs: h.runs,
      signed: h.signatures > 0 ? `${h.signatures} sign-off${h.signatures === 1 ? '' : 's'}` : null,
    })),
  });
}
