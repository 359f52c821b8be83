#!/usr/bin/env node
// Compiles src/ into dist/ with esbuild, so `pveaudit` starts without compiling TypeScript: one
// CommonJS file, dist/main.cjs, and V8's code cache for it, dist/main.cjs.cache (see bin/load-dist.js:
// Node 20 caches no compiled ES modules, and compiling the bundle cost more than a json-only render's
// analysis). Commands are still imported lazily: esbuild wraps each dynamically imported module in an
// init function that runs on first use, so a command's modules and libraries load only when it runs.
// Plain JavaScript: it runs before anything is built. Types are checked by `npm run typecheck` (tsc).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
// commander requires child_process at load time (for git-style executable subcommands, which pveaudit
// has none of); loading it pulls in net, dgram and streams. Commander gets it on first use instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/commander/`) ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents:
        "let cp; module.exports = new Proxy({}, { get: (_, key) => (cp ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

// esbuild escapes non-ASCII characters in strings and regular expressions but keeps comments as they
// are, and one em dash in a comment of zod's made V8 hold the whole 2 MB source as a two-byte string
// (decoded from UTF-8 on every start, twice the memory to scan). Escaped, the file is pure ASCII.
function asciiOnly(path) {
  const text = readFileSync(path, 'utf8');
  const ascii = text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(path, ascii);
}

rmSync(out, { recursive: true, force: true });
const file = resolve(out, 'main.cjs');
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: file,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Pure-JS dependencies are bundled too (one file to load instead of dozens, no CJS export scanning);
  // the SSH library stays in node_modules (optional native addons, loaded only by the commands that
  // connect) and is the one dependency the npm tarball bundles.
  external: ['node-ssh', 'ssh2'],
  // Strict like the ES modules it is made of; import.meta.url (src/lib/root.ts) from the file's path.
  banner: { js: "'use strict';\nconst __pveauditUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__pveauditUrl' },
  sourcemap: true,
  logLevel: 'warning',
  plugins: [englishOnlyZod, lazyChildProcess],
});
asciiOnly(file);

// Warm-up: a json-only render of the bundled sample in a fresh Node, then V8's code cache of every
// function that run compiled. Without it (the warm-up failed) the CLI still works, only slower to start.
const warmUp = `
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDist } from ${JSON.stringify(new URL('../bin/load-dist.js', import.meta.url).href)};
const dist = loadDist(${JSON.stringify(file)});
const tmp = mkdtempSync(join(tmpdir(), 'pa-build-'));
try {
  const code = await dist.main(['render', ${JSON.stringify(new URL('../samples/seed', import.meta.url).pathname)}, '--format', 'json', '--out', join(tmp, 'r'), '--quiet']);
  if (code !== 0) throw new Error('the warm-up render exited ' + code);
  writeFileSync(${JSON.stringify(`${file}.cache`)}, dist.createCache());
} finally {
  rmSync(tmp, { recursive: true, force: true });
}`;
const warm = spawnSync(process.execPath, ['--input-type=module', '-e', warmUp], { encoding: 'utf8' });
if (warm.status !== 0) {
  const lines = `${warm.stderr}${warm.stdout}`.split('\n').filter((l) => /\S/.test(l) && l.length < 400);
  const why = lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.at(-1) ?? `exit ${warm.status}`;
  process.stderr.write(`build: no code cache (the CLI works, only starts slower): ${why}\n`);
}
// the bin's staleness check compares src/ against this stamp
writeFileSync(`${out}/.built`, `${new Date().toISOString()}\n`);
