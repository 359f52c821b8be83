// Handlebars templates precompiled at build time (scripts/build.mjs puts the result in dist/main.cjs):
// compiled at run time, every report's template became new code on every start, which V8's code cache
// cannot hold. Each spec carries the sha256 of the source it came from, so src/render/templates.ts uses
// it only for an identical template file and compiles an edited one as before.
// Plain JavaScript: it runs before anything is built (and in tests, to compare both ways).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';

// The options src/render/templates.ts compiles with (partials inherit their template's).
export const TEMPLATE_OPTIONS = { strict: true, noEscape: false };

// JavaScript source of a function returning { 'report.hbs': { sha256, spec }, 'partials/x.hbs': ... }.
export function precompiledTemplatesSource(dir) {
  const files = [
    ...readdirSync(dir).filter((f) => f.endsWith('.hbs')),
    ...readdirSync(join(dir, 'partials'))
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => `partials/${f}`),
  ].sort();
  const entries = files.map((rel) => {
    const source = readFileSync(join(dir, rel), 'utf8');
    const sha256 = createHash('sha256').update(source).digest('hex');
    return `${JSON.stringify(rel)}: { sha256: ${JSON.stringify(sha256)}, spec: ${Handlebars.precompile(source, TEMPLATE_OPTIONS)} }`;
  });
  return `() => ({\n${entries.join(',\n')}\n})`;
}
