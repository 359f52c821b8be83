import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { precompiledTemplates } from '../../scripts/precompile-templates.mjs';
import { renderHtml } from '../../src/render/html.js';
import { templates } from '../../src/render/templates.js';
import type { Report } from '../../src/schema/report.js';

// The precompiled templates dist/main.cjs reads (dist/templates/<rel>.cjs), offered here as the
// bundle's banner offers them, with one partial's source hash changed as if templates/partials/
// summary.hbs had been edited after the build: that one is compiled from its file, the others come
// precompiled, each only when first used. (Its own test file: templates() loads once per process.)
const DIR = fileURLToPath(new URL('../../templates', import.meta.url));

test('precompiled templates are used only for the sources they were made from, and only when used', (t) => {
  const specs = new Map<string, { sha256: string }>();
  for (const { rel, module } of precompiledTemplates(DIR)) {
    const m = { exports: {} as { sha256: string } };
    new Function('module', module)(m);
    specs.set(rel, m.exports);
  }
  t.true(specs.has('report.hbs') && specs.has('partials/summary.hbs'), [...specs.keys()].join(' '));
  (specs.get('partials/summary.hbs') as { sha256: string }).sha256 = '0'.repeat(64);
  (globalThis as Record<string, unknown>).__pveauditTemplates = (rel: string) => specs.get(rel);
  const loaded = templates();
  t.is(loaded.precompiled, 0, 'nothing is built before it is used');
  const report = JSON.parse(
    readFileSync(new URL('../fixtures/report/seed/report.json', import.meta.url), 'utf8'),
  ) as Report;
  const html = renderHtml(report, { evidenceText: {} });
  t.regex(html, /^<!DOCTYPE html>/i);
  t.true(html.includes(report.host.name));
  const partials = [...specs.keys()].filter((k) => k.startsWith('partials/')).length;
  // report.hbs and every partial but the edited one
  t.is(loaded.precompiled, 1 + partials - 1);
});
