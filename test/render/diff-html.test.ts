import { readFileSync } from 'node:fs';
import test from 'ava';
import { diffReports } from '../../src/diff/index.js';
import { renderDiffHtml } from '../../src/render/diff-html.js';
import { type Report, ReportSchema } from '../../src/schema/report.js';

const seed = (): Report =>
  ReportSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/report/seed/report.json', import.meta.url), 'utf8')));

test('diff HTML lists resolved findings, escapes text and loads nothing from the network', (t) => {
  const before = seed();
  const after = seed();
  const gone = after.findings.shift()!;
  after.findings.push({ ...gone, id: 'f-planted', title: '<script>alert(1)</script>' });
  const html = renderDiffHtml(diffReports(before, after));
  t.regex(html, /Resolved findings <span class="muted small">\(1\)<\/span>/);
  t.true(html.includes(gone.title.replace(/>/g, '&gt;').replace(/</g, '&lt;')) || html.includes(gone.title));
  t.false(html.includes('<script>alert(1)</script>'));
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  t.notRegex(html, /(src|href)=["']https?:/);
  t.is(renderDiffHtml(diffReports(before, after)), html, 'deterministic');
});
