import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { ViewModel } from './view-model.js';

const DIR = new URL('../../templates/', import.meta.url);

interface Loaded {
  report: Handlebars.TemplateDelegate<ViewModel & { css: string }>;
  // typed by its caller, diff-html.ts, which owns the diff view model
  diff: Handlebars.TemplateDelegate<object>;
  css: string;
}

let loaded: Loaded | null = null;

// Templates and CSS are read and compiled once per process; a private Handlebars instance keeps
// partials from leaking into (or being replaced by) anyone else's.
export function templates(): Loaded {
  if (loaded) return loaded;
  const hb = Handlebars.create();
  const partials = new URL('partials/', DIR);
  for (const file of readdirSync(partials).sort()) {
    if (file.endsWith('.hbs')) hb.registerPartial(file.slice(0, -4), readFileSync(new URL(file, partials), 'utf8'));
  }
  loaded = {
    report: hb.compile(readFileSync(new URL('report.hbs', DIR), 'utf8'), { strict: true, noEscape: false }),
    diff: hb.compile(readFileSync(new URL('diff.hbs', DIR), 'utf8'), { strict: true, noEscape: false }),
    css: readFileSync(new URL('report.css', DIR), 'utf8'),
  };
  return loaded;
}
