import { readFileSync } from 'node:fs';
import type { RenderContext } from '../../src/render/html.js';
import { type Report, ReportSchema } from '../../src/schema/report.js';

// Report directories from real lab runs (scripts/fixtures/regen-reports.sh): `seed` (the DESIGN.md
// failure), `fixed` (the seed after its first runbook step) and `nocapture` (the seed with a
// capture on a bridge the node lacks: an incomplete report). Nothing in them is hand-made.
export type Fixture = 'seed' | 'fixed' | 'nocapture';

export const fixtureDir = (name: Fixture): URL => new URL(`../fixtures/report/${name}/`, import.meta.url);

export function loadReport(name: Fixture): Report {
  return ReportSchema.parse(JSON.parse(readFileSync(new URL('report.json', fixtureDir(name)), 'utf8')));
}

// What the caller of renderHtml does: text for text files, null for binary ones.
export function loadContext(report: Report, name: Fixture = 'seed'): RenderContext {
  const evidenceText: Record<string, string | null> = {};
  for (const e of report.evidence) {
    const bytes = readFileSync(new URL(`evidence/${e.path}`, fixtureDir(name)));
    evidenceText[e.path] = bytes.includes(0) ? null : bytes.toString('utf8');
  }
  return { evidenceText };
}
