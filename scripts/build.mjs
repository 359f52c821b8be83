#!/usr/bin/env node
// Compiles src/ into dist/ with esbuild, so `pveaudit` starts without compiling TypeScript: one
// CommonJS file, dist/main.cjs, and V8's code cache for it, dist/main.cjs.cache (see bin/load-dist.js:
// Node 20 caches no compiled ES modules, and compiling the bundle cost more than a json-only render's
// analysis); the SSH library likewise in dist/ssh.cjs, loaded only to connect. Commands are still imported lazily: esbuild wraps each dynamically imported module in an
// init function that runs on first use, so a command's modules and libraries load only when it runs.
// Plain JavaScript: it runs before anything is built. Types are checked by `npm run typecheck` (tsc).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';
import { precompiledTemplates } from './precompile-templates.mjs';

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

// The SSH library (node-ssh, ssh2) is its own bundle, dist/ssh.cjs, with its own code cache: loaded
// from node_modules it was compiled on every start that connects (~130 M instructions, ~50 ms, before
// the first byte is sent), and inside main.cjs it would make every json render read a bigger file and
// cache. main.cjs asks for it through __pveauditSsh (see the banner) only when a command connects.
const SSH_LIBS = ['node-ssh', 'ssh2'];
const sshFromItsBundle = {
  name: 'ssh-from-its-bundle',
  setup(b) {
    b.onResolve({ filter: /^(node-ssh|ssh2)$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/`) ? undefined : { path: args.path, namespace: 'ssh-bundle' },
    );
    b.onLoad({ filter: /.*/, namespace: 'ssh-bundle' }, (args) => ({
      contents: `module.exports = __pveauditSsh()[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
  },
};
// In dist/ssh.cjs the native parts stay where npm built them: ssh2's optional crypto addon is required
// by its package path (from dist/ the relative path would miss it, and ssh2 would quietly fall back to
// its slower JavaScript ciphers), and cpu-features is a package of its own.
const nativeByPackagePath = {
  name: 'native-by-package-path',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => {
      const at = resolve(args.resolveDir, args.path);
      const i = at.lastIndexOf(`${'node_modules'}/`);
      if (i < 0) return { errors: [{ text: `native addon outside node_modules: ${at}` }] };
      return { path: at.slice(i + 'node_modules/'.length), external: true };
    });
    b.onResolve({ filter: /^cpu-features$/ }, (args) => ({ path: args.path, external: true }));
  },
};
// Loads dist/ssh.cjs once, with its code cache, through bin/load-dist.js's loader (which loaded
// main.cjs and left itself on globalThis; without it, a plain require). The result is kept on
// globalThis for the build's warm-up, which writes the cache.
const sshLoader = `const __pveauditSsh = (() => {
  let libs;
  return () => {
    if (libs) return libs;
    const file = require('node:path').join(__dirname, 'ssh.cjs');
    const load = globalThis[Symbol.for('pveaudit.loadDist')];
    if (!load) return (libs = require(file));
    const loaded = load(file);
    globalThis[Symbol.for('pveaudit.ssh')] = loaded;
    libs = loaded.exports;
    return libs;
  };
})();`;

rmSync(out, { recursive: true, force: true });
const file = resolve(out, 'main.cjs');
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: file,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Dependencies are bundled (one file to load instead of dozens, no CJS export scanning); the SSH
  // library into a bundle of its own (see sshFromItsBundle).
  // Strict like the ES modules it is made of; import.meta.url (src/lib/root.ts) from the file's path.
  banner: {
    js: [
      "'use strict';",
      "const __pveauditUrl = require('node:url').pathToFileURL(__filename).href;",
      sshLoader,
      // a precompiled template (src/render/templates.ts) by its path below templates/, from a file of
      // its own: a run loads the fleet index's, a json-only render none
      "const __pveauditTemplates = (rel) => { try { return require('./templates/' + rel + '.cjs'); } catch { return undefined; } };",
    ].join('\n'),
  },
  define: { 'import.meta.url': '__pveauditUrl' },
  sourcemap: true,
  logLevel: 'warning',
  plugins: [englishOnlyZod, lazyChildProcess, sshFromItsBundle],
});
asciiOnly(file);
for (const { rel, module } of precompiledTemplates(resolve('templates'))) {
  const target = resolve(out, 'templates', `${rel}.cjs`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, module);
  asciiOnly(target);
}
const sshFile = resolve(out, 'ssh.cjs');
await build({
  stdin: {
    contents: `module.exports = { ${SSH_LIBS.map((l) => `${JSON.stringify(l)}: require(${JSON.stringify(l)})`).join(', ')} };`,
    resolveDir: process.cwd(),
    sourcefile: 'ssh-libs.cjs',
  },
  outfile: sshFile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [nativeByPackagePath],
});
asciiOnly(sshFile);

// Warm-up: a json-only render of the bundled sample and a dry run in a fresh Node, then V8's code cache of every
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
  // and a dry run: it loads what a run loads before connecting (the SSH library among it)
  writeFileSync(join(tmp, 'audit.yml'), 'guests: [100]\\nprobes: []\\n');
  writeFileSync(join(tmp, 'inventory.yml'), 'all:\\n  hosts:\\n    pve: { ansible_host: 127.0.0.1 }\\n');
  const dry = await dist.main(['run', '-i', join(tmp, 'inventory.yml'), '-a', join(tmp, 'audit.yml'), '--dry-run', '--quiet']);
  if (dry !== 0) throw new Error('the warm-up dry run exited ' + dry);
  const ssh = globalThis[Symbol.for('pveaudit.ssh')];
  if (!ssh) throw new Error('the warm-up dry run did not load dist/ssh.cjs');
  writeFileSync(${JSON.stringify(`${sshFile}.cache`)}, ssh.createCache());
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
