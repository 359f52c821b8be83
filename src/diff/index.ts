import { SEVERITIES } from '../schema/common.js';
import type { ReportDiff } from '../schema/diff.js';
import type { Reason } from '../schema/reason.js';
import type { Finding, Flow, Report } from '../schema/report.js';

const bySeverity = (a: Finding, b: Finding) =>
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.id.localeCompare(b.id);

// Finding ids are stable across runs (check, subject, normalised rule), so matching is by id.
export function diffReports(before: Report, after: Report): ReportDiff {
  const oldById = new Map(before.findings.map((f) => [f.id, f]));
  const newById = new Map(after.findings.map((f) => [f.id, f]));
  const added = after.findings.filter((f) => !oldById.has(f.id)).sort(bySeverity);
  const resolved = before.findings.filter((f) => !newById.has(f.id)).sort(bySeverity);
  const persisting = after.findings
    .filter((f) => oldById.has(f.id))
    .sort(bySeverity)
    .map((f) => {
      const was = oldById.get(f.id)!;
      const reasonChanged = f.reason !== undefined && was.reason !== undefined && !sameReason(was.reason, f.reason);
      return {
        finding: f,
        severityBefore: was.severity,
        changed: was.severity !== f.severity,
        reasonChanged,
        ...(reasonChanged && was.reason ? { reasonBefore: was.reason } : {}),
      };
    });

  return {
    schemaVersion: '1',
    old: run(before),
    new: run(after),
    sameHost: before.host.name === after.host.name,
    findings: { new: added, resolved, persisting },
    flows: diffFlows(before.flows, after.flows),
    answers: ['rules-loaded', 'guest-firewalls-as-intended', 'packets-dropped'].map((q) => {
      const b = before.answers.find((a) => a.question === q);
      const a = after.answers.find((x) => x.question === q);
      return {
        question: q,
        before: b?.answer ?? null,
        after: a?.answer ?? null,
        changed: b?.answer !== a?.answer || !sameReason(b?.reason, a?.reason),
        beforeReason: b?.reason ?? null,
        afterReason: a?.reason ?? null,
      };
    }),
    rootCause: {
      before: before.rootCause?.summary ?? null,
      after: after.rootCause?.summary ?? null,
      beforeReason: before.rootCause?.reason ?? null,
      afterReason: after.rootCause?.reason ?? null,
      changed:
        (before.rootCause === null) !== (after.rootCause === null) ||
        !sameReason(before.rootCause?.reason, after.rootCause?.reason),
    },
  };
}

const run = (r: Report) => ({
  id: r.id ?? null,
  host: r.host.name,
  startedAt: r.startedAt,
  status: r.status,
  toolVersion: r.tool.version,
});

// Flows are matched by name: ids may embed run-specific addresses, names are what the admin wrote.
function diffFlows(before: Flow[], after: Flow[]): ReportDiff['flows'] {
  const names = [...new Set([...before.map((f) => f.name), ...after.map((f) => f.name)])].sort();
  return names.map((name) => {
    const b = before.find((f) => f.name === name);
    const a = after.find((f) => f.name === name);
    const pick = (f: Flow | undefined) =>
      f ? { verdict: f.verdict, simulated: f.simulated, ...(f.live !== undefined ? { live: f.live } : {}) } : null;
    const change = !b ? 'new' : !a ? 'gone' : sameFlow(b, a) ? 'same' : 'changed';
    return { name, change, before: pick(b), after: pick(a), reasonChanged: Boolean(b && a && !sameWhy(b, a)) };
  });
}

// A flow changed when its typed state did: verdicts, reasons (codes and params), what the wire
// showed. The verdict sentence is never compared: a reworded report must not look like a change.
const sameFlow = (a: Flow, b: Flow) => canon(flowState(a)) === canon(flowState(b));

function flowState(f: Flow) {
  const s = f.simulated;
  return {
    expected: f.expected,
    action: s?.action ?? null,
    // Reports without reasons (older runs) still compare by the deciding line.
    reason: s?.reason ?? (s ? { kind: s.decidedBy.kind, file: s.decidedBy.file, line: s.decidedBy.line } : null),
    miss: s?.miss ?? null,
    capture: f.observed?.capture?.verdict ?? null,
    probe: f.observed?.probe ? { phase: f.observed.probe.phase, exit: f.observed.probe.exitCode } : null,
    live: f.live ? { action: f.live.action, reason: f.live.reason } : null,
  };
}

// The reasons behind a flow's verdict: what decided it, the rule that missed, the kernel's reason.
export const flowReasons = (f: Pick<Flow, 'simulated' | 'live'> | null) => ({
  reason: f?.simulated?.reason ?? null,
  miss: f?.simulated?.miss ?? null,
  live: f?.live?.reason ?? null,
});
const sameWhy = (a: Flow, b: Flow) => canon(flowReasons(a)) === canon(flowReasons(b));

// Stable JSON (sorted keys), so two equal reasons compare equal whatever their key order.
export function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

const sameReason = (a: Reason | undefined | null, b: Reason | undefined | null) =>
  canon(a ?? null) === canon(b ?? null);
