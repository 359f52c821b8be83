import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

// The module rules of DESIGN.md/STYLE.md: data flows one way, and each third-party
// library sits behind one adapter file.
const ALLOWED: Record<string, string[]> = {
  lib: [],
  schema: ['lib'],
  plan: ['schema', 'lib'],
  bundle: ['schema', 'lib'],
  collect: ['plan', 'bundle', 'schema', 'lib'],
  parse: ['bundle', 'schema', 'lib'],
  firewall: ['parse', 'schema', 'lib'],
  intent: ['parse', 'schema', 'lib'],
  kernel: ['firewall', 'parse', 'schema', 'lib'],
  assess: ['firewall', 'kernel', 'intent', 'parse', 'phrase', 'schema', 'lib'],
  checks: ['assess', 'firewall', 'kernel', 'intent', 'parse', 'phrase', 'schema', 'lib'],
  analyse: ['assess', 'checks', 'firewall', 'kernel', 'intent', 'parse', 'phrase', 'schema', 'lib'],
  phrase: ['schema', 'lib'],
  render: ['phrase', 'schema', 'lib'],
  diff: ['phrase', 'schema', 'lib'],
  sign: ['bundle', 'schema', 'lib'],
  fleet: ['bundle', 'render', 'schema', 'lib'],
  cli: ['*'],
};

// Third-party packages that only one file (or module) may import.
const ADAPTERS: Record<string, string[]> = {
  'node-ssh': ['src/collect/ssh.ts'],
  ssh2: ['src/collect/ssh.ts'],
  commander: ['src/cli/main.ts'],
};
// Modules that must stay free of I/O and process state.
const PURE = ['schema', 'firewall', 'kernel', 'assess', 'checks', 'phrase', 'diff'];
const IO_BUILTINS = /^node:(fs|fs\/promises|child_process|net|dgram|http|https)$/;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const moduleOf = (file: string) => relative(SRC, file).split(sep)[0]!;
const specifiers = (text: string) =>
  [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => (m[1] ?? m[2])!);

// `import type` is erased at compile time, so it cannot create a load-order cycle.
const runtimeSpecifiers = (text: string) => specifiers(text.replace(/(?:^|\n)\s*(?:import|export) type [^;]*;/g, ''));

const sources = files(SRC).map((file) => {
  const text = readFileSync(file, 'utf8');
  return { file, module: moduleOf(file), imports: specifiers(text), runtime: runtimeSpecifiers(text) };
});

test('src modules import only what the layering allows', (t) => {
  const violations: string[] = [];
  for (const s of sources) {
    const allowed = ALLOWED[s.module];
    if (!allowed) {
      violations.push(`${relative(ROOT, s.file)}: module "${s.module}" is not in the layering table`);
      continue;
    }
    for (const spec of s.imports.filter((i) => i.startsWith('.'))) {
      const target = moduleOf(resolve(dirname(s.file), spec));
      if (target === s.module || allowed.includes('*') || allowed.includes(target)) continue;
      // parse may read evidence only through the bundle's public index
      violations.push(`${relative(ROOT, s.file)} imports ${spec} (${s.module} -> ${target})`);
    }
    if (s.module === 'parse') {
      for (const spec of s.imports.filter((i) => i.includes('/bundle/') && !i.endsWith('/bundle/index.js'))) {
        violations.push(`${relative(ROOT, s.file)} imports ${spec}: parse may use bundle/index.js only`);
      }
    }
  }
  t.deepEqual(violations, []);
});

test('each third-party adapter library is imported by its one adapter file', (t) => {
  const violations: string[] = [];
  for (const s of sources) {
    const rel = relative(ROOT, s.file);
    for (const spec of s.imports) {
      const owners = ADAPTERS[spec];
      if (owners && !owners.includes(rel)) violations.push(`${rel} imports ${spec} (only ${owners.join(', ')} may)`);
    }
  }
  t.deepEqual(violations, []);
});

test('pure modules do no I/O', (t) => {
  const violations = sources
    .filter((s) => PURE.includes(s.module))
    .flatMap((s) => s.imports.filter((i) => IO_BUILTINS.test(i)).map((i) => `${relative(ROOT, s.file)} imports ${i}`));
  t.deepEqual(violations, []);
});

test('no runtime import cycles between files', (t) => {
  const graph = new Map(
    sources.map((s) => [
      s.file,
      s.runtime.filter((i) => i.startsWith('.')).map((i) => resolve(dirname(s.file), i).replace(/\.js$/, '.ts')),
    ]),
  );
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(ROOT, p)).join(' -> '));
      return;
    }
    state.set(f, 'visiting');
    for (const next of graph.get(f) ?? []) visit(next, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  t.deepEqual(cycles, []);
});

test('the checker itself sees the imports it is meant to police', (t) => {
  const main = sources.find((s) => s.file.endsWith(join('cli', 'main.ts')));
  t.truthy(main);
  t.true(main!.imports.includes('commander'));
  t.true(main!.imports.some((i) => i.includes('commands/run.js')));
});
