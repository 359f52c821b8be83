import { SEVERITIES, type Severity } from '../schema/common.js';
import type { FleetHost } from '../schema/fleet.js';

// Worst first: a host we know nothing about (unreadable), then by the highest severity found and how
// many of it, then incomplete before complete, then the oldest; host name breaks ties.
export function worstFirst(a: FleetHost, b: FleetHost): number {
  return (
    Number(b.status === 'unreadable') - Number(a.status === 'unreadable') ||
    rank(a.worst) - rank(b.worst) ||
    countAt(b, a.worst) - countAt(a, a.worst) ||
    Number(b.status === 'incomplete') - Number(a.status === 'incomplete') ||
    (b.ageHours ?? 0) - (a.ageHours ?? 0) ||
    a.host.localeCompare(b.host)
  );
}

const rank = (s: Severity | null) => (s === null ? SEVERITIES.length : SEVERITIES.indexOf(s));
const countAt = (h: FleetHost, s: Severity | null) => (s === null ? 0 : (h.summary[s] ?? 0));

export function worstSeverity(summary: Record<Severity, number>): Severity | null {
  return SEVERITIES.find((s) => (summary[s] ?? 0) > 0) ?? null;
}

// "36h", "7d", "90m" -> hours.
export function parseAge(value: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)?$/.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = { m: 1 / 60, h: 1, d: 24, w: 168 }[(m[2] ?? 'h') as 'm' | 'h' | 'd' | 'w'];
  return n * unit;
}
