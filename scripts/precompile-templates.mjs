// Handlebars templates precompiled at build time (scripts/build.mjs writes them to dist/templates/):
// compiled at run time, every template became new code on every start, which V8's code cache cannot
// hold. One CommonJS file per template, so a run that only writes the fleet index loads only that one.
// Each carries the sha256 of the source it came from: src/render/templates.ts uses it only for an
// identical template file and compiles an edited one as before.
// Plain JavaScript: it runs before anything is built (and in tests, to compare both ways).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';

// The options src/render/templates.ts compiles with (partials inherit their template's).
export const TEMPLATE_OPTIONS = { strict: true, noEscape: false };

// [{ rel: 'report.hbs' | 'partials/x.hbs', module: CommonJS source exporting { sha256, spec } }]
export function precompiledTemplates(dir) {
  const files = [
    ...readdirSync(dir).filter((f) => f.endsWith('.hbs')),
    ...readdirSync(join(dir, 'partials'))
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => `partials/${f}`),
  ].sort();
  return files.map((rel) => {
    const source = readFileSync(join(dir, rel), 'utf8');
    const sha256 = createHash('sha256').update(source).digest('hex');
    const spec = Handlebars.precompile(source, TEMPLATE_OPTIONS);
    return { rel, module: `'use strict';\nmodule.exports = { sha256: ${JSON.stringify(sha256)}, spec: ${spec} };\n` };
  });
}
