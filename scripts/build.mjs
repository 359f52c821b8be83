#!/usr/bin/env node
// Compiles src/ into dist/ with esbuild (one ESM bundle, a chunk per lazily imported command), so
// `pveaudit` starts without compiling TypeScript. Plain JavaScript: it runs before anything is built.
// Types are checked by `npm run typecheck` (tsc), not here.
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const out = process.argv[2] ?? 'dist';

// zod re-exports its 60-odd message locales as a namespace, so none can be tree-shaken: ~0.6 MB that
// every start would parse. pveaudit uses only the default English messages.
const englishOnlyZod = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/zod/`)
        ? { path: 'zod-locales-en', namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: process.cwd(),
    }));
  },
};
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Pure-JS dependencies are bundled too (one file to load instead of dozens, no CJS export scanning);
  // the SSH library stays in node_modules (optional native addons, loaded only by the commands that
  // connect) and is the one dependency the npm tarball bundles.
  external: ['node-ssh', 'ssh2'],
  // bundled CommonJS dependencies call require() for node builtins
  banner: {
    js: "import { createRequire as __pveauditRequire } from 'node:module'; const require = __pveauditRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
  plugins: [englishOnlyZod],
});
// the bin's staleness check compares src/ against this stamp
writeFileSync(`${out}/.built`, `${new Date().toISOString()}\n`);
