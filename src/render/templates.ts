import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { rootPath } from '../lib/root.js';
import type { ViewModel } from './view-model.js';

const DIR = rootPath('templates');

interface Loaded {
  report: Handlebars.TemplateDelegate<ViewModel & { css: string }>;
  // typed by its caller, diff-html.ts, which owns the diff view model
  diff: Handlebars.TemplateDelegate<object>;
  // the sign-off sheet and the ticket summary, typed by signoff-html.ts and summary.ts
  signoff: Handlebars.TemplateDelegate<object>;
  summary: Handlebars.TemplateDelegate<object>;
  fleet: Handlebars.TemplateDelegate<object>; // typed by fleet-html.ts
  css: string;
  precompiled: number; // how many templates and partials came precompiled (from dist/)
}

let loaded: Loaded | null = null;

type Spec = Parameters<typeof Handlebars.template>[0];
// dist/main.cjs defines it (scripts/precompile-templates.mjs): a template precompiled at build time,
// with the sha256 of its source, by its path below templates/. Run from the sources, or for an
// edited template file, the template is compiled here as before (same options: the output is the
// same, see test/cli/built.test.ts).
declare const __pveauditTemplates: ((rel: string) => { sha256: string; spec: Spec } | undefined) | undefined;
const OPTIONS = { strict: true, noEscape: false };

// Templates and CSS are read and compiled once per process, each on first use (a run's fleet index
// needs one template, a report all of them); a private Handlebars instance keeps partials from leaking
// into (or being replaced by) anyone else's.
export function templates(): Loaded {
  if (loaded) return loaded;
  const hb = Handlebars.create();
  let precompiled = 0;
  const build = (rel: string) => {
    const source = readFileSync(join(DIR, rel), 'utf8');
    const pre = typeof __pveauditTemplates === 'function' ? __pveauditTemplates(rel) : undefined;
    if (pre && pre.sha256 === createHash('sha256').update(source).digest('hex')) {
      precompiled++;
      return hb.template(pre.spec);
    }
    return hb.compile(source, OPTIONS);
  };
  const lazy = <T>(make: () => T): (() => T) => {
    let made: T | undefined;
    return () => {
      made ??= make();
      return made;
    };
  };
  // a partial is built when a template first calls it
  for (const file of readdirSync(join(DIR, 'partials')).sort()) {
    if (!file.endsWith('.hbs')) continue;
    const partial = lazy(() => build(`partials/${file}`));
    hb.registerPartial(file.slice(0, -4), (context: unknown, options: unknown) =>
      (partial() as (c: unknown, o: unknown) => string)(context, options),
    );
  }
  // biome-ignore lint/suspicious/noExplicitAny: each caller types its own view model (see Loaded)
  const template = (rel: string): Handlebars.TemplateDelegate<any> => {
    const t = lazy(() => build(rel));
    return (context, options) => t()(context, options);
  };
  const css = lazy(() => readFileSync(join(DIR, 'report.css'), 'utf8'));
  loaded = {
    report: template('report.hbs'),
    diff: template('diff.hbs'),
    signoff: template('signoff.hbs'),
    summary: template('summary.hbs'),
    fleet: template('fleet.hbs'),
    get css() {
      return css();
    },
    get precompiled() {
      return precompiled;
    },
  };
  return loaded;
}
