import { neutralise } from '../lib/safe-text.js';
import type { Report } from '../schema/report.js';
import { templates } from './templates.js';
import { buildViewModel } from './view-model.js';
import type { RenderContext } from './vm-evidence.js';

export type { RenderContext } from './vm-evidence.js';

// One self-contained HTML document (inline CSS and SVG, no scripts, no network); same input, same bytes.
export function renderHtml(report: Report, ctx: RenderContext): string {
  const t = templates();
  // node text (comments, descriptions, curl output) may hold terminal escapes: shown, never raw
  return neutralise(t.report({ ...buildViewModel(report, ctx), css: t.css }));
}
