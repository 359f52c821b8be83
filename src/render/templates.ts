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
// dist/main.cjs defines it (scripts/precompile-templates.mjs): every template precompiled at build
// time, with the sha256 of its source. Run from the sources, or for an edited template file, the
// template is compiled here as before (same options: the output is the same, see test/render).
declare const __pveauditTemplates: (() => Record<string, { sha256: string; spec: Spec }>) | undefined;
const OPTIONS = { strict: true, noEscape: false };

// Templates and CSS are read and compiled once per process; a private Handlebars instance keeps
// partials from leaking into (or being replaced by) anyone else's.
export function templates(): Loaded {
  if (loaded) return loaded;
  const hb = Handlebars.create();
  const built = typeof __pveauditTemplates === 'function' ? __pveauditTemplates() : {};
  let precompiled = 0;
  const spec = (rel: string, source: string): Spec | null => {
    const pre = built[rel];
    if (!pre || pre.sha256 !== createHash('sha256').update(source).digest('hex')) return null;
    precompiled++;
    return pre.spec;
  };
  const compile = (rel: string) => {
    const source = readFileSync(join(DIR, rel), 'utf8');
    const pre = spec(rel, source);
    return pre ? hb.template(pre) : hb.compile(source, OPTIONS);
  };
  const partials = join(DIR, 'partials');
  for (const file of readdirSync(partials).sort()) {
    if (!file.endsWith('.hbs')) continue;
    const source = readFileSync(join(partials, file), 'utf8');
    const pre = spec(`partials/${file}`, source);
    hb.registerPartial(file.slice(0, -4), pre ? hb.template(pre) : source);
  }
  loaded = {
    report: compile('report.hbs'),
    diff: compile('diff.hbs'),
    signoff: compile('signoff.hbs'),
    summary: compile('summary.hbs'),
    fleet: compile('fleet.hbs'),
    css: readFileSync(join(DIR, 'report.css'), 'utf8'),
    precompiled,
  };
  return loaded;
}
