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
}

let loaded: Loaded | null = null;

// Templates and CSS are read and compiled once per process; a private Handlebars instance keeps
// partials from leaking into (or being replaced by) anyone else's.
export function templates(): Loaded {
  if (loaded) return loaded;
  const hb = Handlebars.create();
  const partials = join(DIR, 'partials');
  for (const file of readdirSync(partials).sort()) {
    if (file.endsWith('.hbs')) hb.registerPartial(file.slice(0, -4), readFileSync(join(partials, file), 'utf8'));
  }
  loaded = {
    report: hb.compile(readFileSync(join(DIR, 'report.hbs'), 'utf8'), { strict: true, noEscape: false }),
    diff: hb.compile(readFileSync(join(DIR, 'diff.hbs'), 'utf8'), { strict: true, noEscape: false }),
    signoff: hb.compile(readFileSync(join(DIR, 'signoff.hbs'), 'utf8'), { strict: true, noEscape: false }),
    summary: hb.compile(readFileSync(join(DIR, 'summary.hbs'), 'utf8'), { strict: true, noEscape: false }),
    fleet: hb.compile(readFileSync(join(DIR, 'fleet.hbs'), 'utf8'), { strict: true, noEscape: false }),
    css: readFileSync(join(DIR, 'report.css'), 'utf8'),
  };
  return loaded;
}
