import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
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
test.before(async () => {
  pkg = await mkdtemp(join(tmpdir(), 'pa-built-'));
  await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), join(pkg, 'dist')], { cwd: ROOT });
  await mkdir(join(pkg, 'bin'));
  await cp(join(ROOT, 'bin', 'pveaudit.js'), join(pkg, 'bin', 'pveaudit.js'));
  await cp(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  for (const d of ['templates', 'samples', 'node_modules']) await symlink(join(ROOT, d), join(pkg, d));
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

// What a command loads before it runs: the static imports of its chunk, followed through dist/.
async function staticClosure(dist: string, entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = async (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = await readFile(join(dist, file), 'utf8');
    for (const m of text.matchAll(/^(?:import|} from|export \*? ?from)[^'"\n]*['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('./')) await visit(spec.slice(2));
      else bare.add(spec);
    }
  };
  await visit(entry);
  return bare;
}

test('json-only paths load no browser or SSH library; only the pdf chunk starts a browser', async (t) => {
  const dist = join(pkg, 'dist');
  const files = await readdir(dist);
  const render = files.find((f) => /^render-[\w-]+\.js$/.test(f));
  t.truthy(render, files.join(' '));
  for (const entry of ['main.js', render!]) {
    const loaded = await staticClosure(dist, entry);
    t.false(loaded.has('puppeteer-core'), entry);
    t.false(loaded.has('node-ssh'), entry);
  }
  const withBrowser = [];
  for (const f of files.filter((f) => f.endsWith('.js'))) {
    const text = await readFile(join(dist, f), 'utf8');
    t.false(text.includes('from "puppeteer-core"'), `${f}: no browser library at all`);
    if (text.includes('--remote-debugging-pipe')) withBrowser.push(f);
  }
  t.is(withBrowser.length, 1);
  t.regex(withBrowser[0]!, /^pdf-/);
});
