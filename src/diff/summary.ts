import type { ReportDiff } from '../schema/diff.js';
import type { Flow, Report } from '../schema/report.js';

// The paragraph that leads a diff: "2 findings resolved, 0 new; traefik-to-portainer now connects;
// 1 evidence file changed (pve/firewall/1001.fw)."

// What the wire showed for a flow, in a word or two; null when nothing was observed.
function wire(f: Flow | undefined): string | null {
  const o = f?.observed;
  if (!o) return null;
  if (o.probe?.phase === 'done' || o.capture?.verdict === 'connected') return 'connects';
  if (o.capture?.verdict === 'unanswered') return 'gets no answer';
  if (o.capture?.verdict === 'refused') return 'is refused';
  if (o.capture?.verdict === 'rejected') return 'is rejected';
  if (o.probe) return `fails at ${o.probe.phase}`;
  return null;
}

function flowChanges(before: Report, after: Report): string[] {
  const out: string[] = [];
  for (const a of after.flows) {
    const b = before.flows.find((x) => x.name === a.name);
    if (!b) continue;
    const [was, now] = [wire(b), wire(a)];
    if (now && was !== now) {
      out.push(now === 'connects' ? `${a.name} now connects` : `${a.name} now ${now}${was ? ` (it ${was})` : ''}`);
      continue;
    }
    const [sb, sa] = [b.simulated?.action, a.simulated?.action];
    if (sb && sa && sb !== sa) out.push(`${a.name} is now ${sa} by the rules (was ${sb})`);
  }
  return out;
}

export function summarise(before: Report, after: Report, d: ReportDiff): string {
  const f = d.findings;
  const parts = [`${f.resolved.length} finding${f.resolved.length === 1 ? '' : 's'} resolved, ${f.new.length} new`];
  const worse = f.new.filter((x) => x.severity === 'critical' || x.severity === 'high').length;
  if (worse > 0) parts[0] += ` (${worse} critical or high)`;
  const changed = f.persisting.filter((p) => p.changed);
  if (changed.length > 0) {
    const rank = (s: string) => ['critical', 'high', 'medium', 'low', 'info'].indexOf(s);
    const up = changed.filter((p) => rank(p.finding.severity) < rank(p.severityBefore)).length;
    const dir = [up > 0 ? `${up} raised` : '', changed.length - up > 0 ? `${changed.length - up} lowered` : '']
      .filter(Boolean)
      .join(', ');
    parts.push(`${changed.length} finding${changed.length === 1 ? '' : 's'} changed severity (${dir})`);
  }
  parts.push(...flowChanges(before, after));
  const answers = d.answers
    .filter((a) => a.before !== a.after)
    .map((a) => `${a.question}: ${a.before ?? '-'} -> ${a.after ?? '-'}`);
  if (answers.length > 0) parts.push(`answers changed (${answers.join(', ')})`);
  const ev = d.evidence;
  if (ev) {
    // configuration (pve/) first: it is what someone changed; command outputs follow from it
    const text = ev.changes
      .filter((c) => !c.binary)
      .sort((a, b) => Number(b.path.startsWith('pve/')) - Number(a.path.startsWith('pve/')));
    const shown = text.slice(0, 3).map((c) => c.path);
    if (text.length > 0)
      parts.push(
        `${text.length} evidence file${text.length === 1 ? '' : 's'} changed (${shown.join(', ')}${text.length > 3 ? ', ...' : ''})`,
      );
    else parts.push('no evidence file changed beyond timestamps and counters');
  }
  if (!d.sameHost) parts.push(`NOTE: these are reports of different hosts (${d.old.host}, ${d.new.host})`);
  return `${parts.join('; ')}.`;
}
