import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package root (package.json, templates/, samples/), found by walking up from this module: the same
// code runs as src/lib/root.ts through tsx and bundled into dist/, at different depths.
function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return dir;
    if (dirname(dir) === dir) throw new Error(`pveaudit: no package root (package.json, templates/) above ${start}`);
  }
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

// A path inside the package root.
export const rootPath = (...parts: string[]): string => join(ROOT, ...parts);
