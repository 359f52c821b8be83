import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

// Installed as users install tools: `npm pack`, then `npm i -g ./pveaudit-*.tgz` with no registry
// (--offline and an empty cache: every byte must come from the tarball), then the installed command
// runs. The pack is made from a copy of the package (so the checkout's dist/ stays as it is, and a
// worktree's symlinked node_modules is materialised the way a real checkout has it).
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEV_ONLY = ['typescript', 'tsx', 'ava', 'esbuild', '@biomejs', 'commander', 'zod', 'yaml'];

let work = '';
test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'pa-pack-'));
});
test.after.always(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('npm pack gives a tarball that installs offline with npm i -g and runs', async (t) => {
  t.timeout(15 * 60_000);
  const src = join(work, 'src');
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string; files: string[] };
  for (const f of [...pkg.files, 'package.json', 'package-lock.json', 'scripts', 'src']) {
    const from = join(ROOT, f);
    if (await stat(from).catch(() => null)) await cp(from, join(src, f), { recursive: true, dereference: true });
  }
  await cp(join(ROOT, 'node_modules'), join(src, 'node_modules'), { recursive: true, dereference: true });
  // `npm pack` runs prepare (the build) as it would in a checkout.
  const packed = await run('npm', ['pack', '--pack-destination', work, '--no-audit', '--no-fund'], {
    cwd: src,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tarball = packed.stdout.trim().split('\n').pop() as string;
  t.is(tarball, `pveaudit-${pkg.version}.tgz`);
  const size = (await stat(join(work, tarball))).size;
  t.log(`${tarball}: ${(size / 1e6).toFixed(1)} MB`);

  const prefix = join(work, 'global');
  const env = { ...process.env, npm_config_cache: join(work, 'empty-cache') };
  await run('npm', ['i', '-g', '--offline', '--prefix', prefix, '--no-audit', '--no-fund', `./${tarball}`], {
    cwd: work,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const installed = join(prefix, 'lib', 'node_modules', 'pveaudit');
  const modules = await readdir(join(installed, 'node_modules'));
  for (const dev of DEV_ONLY) t.false(modules.includes(dev), `${dev} is a dev dependency; it must not be installed`);
  t.true((await readdir(join(installed, 'dist'))).includes('main.cjs'), 'the compiled dist/ is in the package');
  t.false((await readdir(installed)).includes('src'), 'no sources in the package');

  const bin = join(prefix, 'bin', 'pveaudit');
  const cli = (...args: string[]) => run(bin, args, { cwd: work, env: { ...process.env, PVEAUDIT_FROM_SOURCE: '' } });
  const version = await cli('--version');
  t.is(version.stdout.trim(), pkg.version);
  t.is(version.stderr, '', 'started from dist/, no tsx fallback');
  const demo = await cli('demo', '--out', join(work, 'reports'), '--format', 'json,md');
  t.regex(demo.stdout, /report\.json/);
  // The SSH library loads from the package's own node_modules (bundled in the tarball).
  const ssh = await run(process.execPath, ['-e', "import('node-ssh').then((m) => console.log(typeof m.NodeSSH))"], {
    cwd: installed,
  });
  t.is(ssh.stdout.trim(), 'function');
  t.true((await readdir(join(prefix, 'share', 'man', 'man1'))).includes('pveaudit.1'), 'man pveaudit works');
});
