import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

// The compiled CLI as an installed package sees it: bin/, dist/ (built here by the real build script),
// package.json, templates/ and samples/ in a directory of their own, none of src/, so a path that only
// works from the sources fails here.
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLE = join(ROOT, 'samples', 'seed');

let pkg = '';
let buildStderr = '';
test.before(async () => {
  pkg = await mkdtemp(join(tmpdir(), 'pa-built-'));
  await mkdir(join(pkg, 'bin'));
  for (const f of ['pveaudit.js', 'load-dist.js']) await cp(join(ROOT, 'bin', f), join(pkg, 'bin', f));
  await cp(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  for (const d of ['templates', 'samples', 'node_modules']) await symlink(join(ROOT, d), join(pkg, d));
  // built last, into the package as it is installed: the build's warm-up run needs its root
  const built = await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), join(pkg, 'dist')], { cwd: ROOT });
  buildStderr = built.stderr;
});
test.after.always(async () => {
  if (pkg) await rm(pkg, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  run(process.execPath, [join(pkg, 'bin', 'pveaudit.js'), ...args], {
    cwd: pkg,
    env: { ...process.env, PVEAUDIT_FROM_SOURCE: '' },
  });

test('the built CLI prints the version of package.json, from dist/ (no tsx note)', async (t) => {
  const { stdout, stderr } = await cli('--version');
  const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  t.is(stdout.trim(), version);
  t.is(stderr, '');
});

test('a json-only render by the built CLI equals the one the sources produce', async (t) => {
  const built = join(pkg, 'out-built');
  const { stderr } = await cli('render', SAMPLE, '--out', built, '--format', 'json');
  t.is(stderr, '');
  t.deepEqual(await readdir(built), ['report.json']);
  const viaTsx = join(pkg, 'out-tsx');
  const io = bufferIo();
  t.is(await main(['render', SAMPLE, '--out', viaTsx, '--format', 'json'], io), 0, io.stderr.join('\n'));
  t.is(await readFile(join(built, 'report.json'), 'utf8'), await readFile(join(viaTsx, 'report.json'), 'utf8'));
});

test('html, md and pdf from the built CLI: templates found, the PDF printed', async (t) => {
  const out = join(pkg, 'out-all');
  await cli('render', SAMPLE, '--out', out, '--format', 'html,md,pdf');
  t.deepEqual((await readdir(out)).sort(), ['report.html', 'report.md', 'report.pdf']);
  t.regex(await readFile(join(out, 'report.html'), 'utf8'), /<html[\s\S]*pve1[\s\S]*<\/html>/);
  t.is((await readFile(join(out, 'report.pdf'))).subarray(0, 5).toString(), '%PDF-');
});

// What a command loads: every module the built CLI requires while it runs (a preload records each
// require() by name), so a library a path does not need shows up here if it is loaded anyway.
async function requiredBy(...args: string[]): Promise<Set<string>> {
  const log = join(pkg, `required-${args.join('-').replace(/\W+/g, '_')}.txt`);
  const hook = join(pkg, 'record-requires.cjs');
  await writeFile(
    hook,
    `const M = require('node:module'); const fs = require('node:fs'); const seen = new Set(); const load = M._load;
M._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); };
process.on('exit', () => fs.writeFileSync(${JSON.stringify(log)}, [...seen].join('\\n')));`,
  );
  await run(process.execPath, ['--require', hook, join(pkg, 'bin', 'pveaudit.js'), ...args], {
    cwd: pkg,
    env: { ...process.env, PVEAUDIT_FROM_SOURCE: '' },
  });
  return new Set((await readFile(log, 'utf8')).split('\n'));
}

test('a json-only render loads no SSH library and starts no process; no browser library is bundled', async (t) => {
  const loaded = await requiredBy('render', SAMPLE, '--out', join(pkg, 'out-req'), '--format', 'json');
  t.true(loaded.has('node:fs'), [...loaded].join(' '));
  for (const lib of ['node-ssh', 'ssh2', 'puppeteer-core', 'node:child_process', 'child_process'])
    t.false(loaded.has(lib), lib);
  const bundle = await readFile(join(pkg, 'dist', 'main.cjs'), 'utf8');
  t.false(bundle.includes('require("puppeteer-core")'));
});

// How many times the built CLI called the Function constructor while rendering the sample into `out`
// (generated code that V8's code cache cannot hold: zod's parsers, Handlebars' templates).
async function functionCallsWhileRendering(out: string, format: string): Promise<string> {
  const log = `${out}.new-function.txt`;
  const hook = `${out}.count-new-function.cjs`;
  await writeFile(
    hook,
    `const fs = require('node:fs'); const F = globalThis.Function; let n = 0;
globalThis.Function = new Proxy(F, { construct: (target, args) => (n++, Reflect.construct(target, args)), apply: (target, self, args) => (n++, Reflect.apply(target, self, args)) });
process.on('exit', () => fs.writeFileSync(${JSON.stringify(log)}, String(n)));`,
  );
  await run(
    process.execPath,
    ['--require', hook, join(pkg, 'bin', 'pveaudit.js'), 'render', SAMPLE, '--out', out, '--format', format],
    {
      cwd: pkg,
      env: { ...process.env, PVEAUDIT_FROM_SOURCE: '' },
    },
  );
  return readFile(log, 'utf8');
}

test('a json-only render compiles no code at run time (zod runs jitless: generated parsers miss the code cache)', async (t) => {
  const out = join(pkg, 'out-fn');
  t.is(await functionCallsWhileRendering(out, 'json'), '0');
  t.deepEqual(await readdir(out), ['report.json']);
});

test('an html render by the built CLI compiles no template at run time, and equals what the sources compile', async (t) => {
  const built = join(pkg, 'out-html');
  t.is(
    await functionCallsWhileRendering(built, 'html'),
    '0',
    'Handlebars compiles templates with new Function: none may be compiled',
  );
  const viaTsx = join(pkg, 'out-html-tsx');
  const io = bufferIo();
  t.is(await main(['render', SAMPLE, '--out', viaTsx, '--format', 'html'], io), 0, io.stderr.join('\n'));
  t.is(await readFile(join(built, 'report.html'), 'utf8'), await readFile(join(viaTsx, 'report.html'), 'utf8'));
});

test('the bundle is pure ASCII (one non-ASCII character makes V8 hold all of it as a two-byte string)', async (t) => {
  const bundle = await readFile(join(pkg, 'dist', 'main.cjs'), 'utf8');
  const at = bundle.search(/[^\0-\x7f]/);
  t.is(at, -1, `non-ASCII at ${at}: ${JSON.stringify(bundle.slice(Math.max(0, at - 40), at + 10))}`);
});

test('the code cache fits the bundle and a plain Node (a rejected cache would compile it all again)', async (t) => {
  // in a fresh process: V8 rejects a cache made under other flags, and this test runner adds some
  const { stdout } = await run(process.execPath, [
    '--input-type=module',
    '-e',
    `import { loadDist } from ${JSON.stringify(join(pkg, 'bin', 'load-dist.js'))};
const d = loadDist(${JSON.stringify(join(pkg, 'dist', 'main.cjs'))});
console.log(typeof d.main, d.cacheRejected);`,
  ]);
  t.is(buildStderr, '');
  t.is(stdout.trim(), 'function false');
});
