import { readFileSync } from 'node:fs';
import type { RenderContext } from '../../src/render/html.js';
import { type Report, ReportSchema } from '../../src/schema/report.js';

const DIR = new URL('../fixtures/report/', import.meta.url);

export function loadReport(name: 'seed' | 'seed-incomplete'): Report {
  return ReportSchema.parse(JSON.parse(readFileSync(new URL(`${name}.report.json`, DIR), 'utf8')));
}

// What the caller of renderHtml does: text for text files, null for binary ones.
export function loadContext(report: Report): RenderContext {
  const evidenceText: Record<string, string | null> = {};
  for (const e of report.evidence) {
    const bytes = readFileSync(new URL(`evidence/${e.path}`, DIR));
    evidenceText[e.path] = bytes.includes(0) ? null : bytes.toString('utf8');
  }
  return { evidenceText };
}
