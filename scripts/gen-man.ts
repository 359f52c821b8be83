// Regenerates man/pveaudit.1 from the command definitions (src/cli/main.ts); test/cli/shell.test.ts
// fails while the committed page differs from what this writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { describeProgram } from '../src/cli/main.js';
import { manPage } from '../src/cli/shell/man.js';

const dir = new URL('../man/', import.meta.url);
mkdirSync(dir, { recursive: true });
const path = new URL('pveaudit.1', dir);
writeFileSync(path, manPage(describeProgram()));
console.log(`wrote ${path.pathname}`);
