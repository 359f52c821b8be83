import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { precompiledTemplatesSource } from '../../scripts/precompile-templates.mjs';
import { renderHtml } from '../../src/render/html.js';
import { templates } from '../../src/render/templates.js';
import type { Report } from '../../src/schema/report.js';

// The specs dist/main.cjs carries, set here as the bundle's banner sets them, with one template's
// source hash changed, as if templates/fleet.hbs had been edited after the build: that one is
// compiled from its file, the rest come precompiled. (Its own test file: templates() loads once per process.)
const DIR = fileURLToPath(new URL('../../templates', import.meta.url));

test('precompiled templates are used only for the sources they were made from', (t) => {
  const make = new Function(`return ${precompiledTemplatesSource(DIR)}`)() as () => Record<string, { sha256: string }>;
  const specs = make();
  const names = Object.keys(specs);
  t.true(names.includes('report.hbs') && names.some((n) => n.startsWith('partials/')), names.join(' '));
  (specs['fleet.hbs'] as { sha256: string }).sha256 = '0'.repeat(64);
  (globalThis as Record<string, unknown>).__pveauditTemplates = () => specs;
  const loaded = templates();
  t.is(loaded.precompiled, names.length - 1);
  // the precompiled report template and partials render a whole report
  const report = JSON.parse(
    readFileSync(new URL('../fixtures/report/seed/report.json', import.meta.url), 'utf8'),
  ) as Report;
  const html = renderHtml(report, { evidenceText: {} });
  t.regex(html, /^<!DOCTYPE html>/i);
  t.true(html.includes(report.host.name));
});
