import type { Report } from '../schema/report.js';
import { templates } from './templates.js';
import { buildViewModel } from './view-model.js';
import type { RenderContext } from './vm-evidence.js';

export type { RenderContext } from './vm-evidence.js';

// One self-contained HTML document (inline CSS and SVG, no scripts, no network); same input, same bytes.
export function renderHtml(report: Report, ctx: RenderContext): string {
  const t = templates();
  return t.report({ ...buildViewModel(report, ctx), css: t.css });
}
