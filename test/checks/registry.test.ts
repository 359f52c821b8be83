import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { CHECKS } from '../../src/checks/index.js';

const ROOT = new URL('../../src/checks/', import.meta.url).pathname;
const AREAS = readdirSync(ROOT).filter((d) => statSync(join(ROOT, d)).isDirectory() && !['lib', 'fix'].includes(d));
const files = AREAS.flatMap((area) =>
  readdirSync(join(ROOT, area))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ area, id: f.replace(/\.ts$/, '') })),
);

test('every check file is registered, and only those', (t) => {
  t.deepEqual(CHECKS.map((c) => c.id).sort(), files.map((f) => f.id).sort());
});

for (const { area, id } of files) {
  test(`${id}: id equals file name, starts with its area, is <area>_<subject>_<condition>`, async (t) => {
    const mod = (await import(join(ROOT, area, `${id}.ts`))) as { default: { id: string; title: string } };
    t.is(mod.default.id, id);
    t.true(id.startsWith(`${area}_`));
    t.regex(id, /^[a-z]+_[a-z0-9]+(_[a-z0-9]+)+$/);
    t.false(/^ensure/i.test(mod.default.title), 'titles state the secure condition');
  });
}
