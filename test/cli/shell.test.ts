import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { bufferIo, paint, wantsColor } from '../../src/cli/io.js';
import { buildProgram, describeProgram, main } from '../../src/cli/main.js';
import { createProgress } from '../../src/cli/progress.js';
import { completionScript, SHELLS } from '../../src/cli/shell/completion.js';
import { exampleArgv } from '../../src/cli/shell/examples.js';
import { manPage } from '../../src/cli/shell/man.js';

// Shell habits, driven by the command definitions so a command added later is covered too: two
// examples each that its definition accepts, completions for three shells, the man page in step.
const root = fileURLToPath(new URL('../../', import.meta.url));
const spec = describeProgram();

test('every command has two examples, and its definition accepts each of them', async (t) => {
  t.true(spec.commands.length >= 10);
  for (const c of spec.commands) {
    t.true(c.examples.length >= 2, `${c.name} needs two examples in src/cli/shell/examples.ts`);
    for (const line of c.examples) {
      t.true(line.startsWith(`pveaudit ${c.name}`), line);
      const io = bufferIo();
      const ran: string[] = [];
      const program = buildProgram(io, () => undefined);
      // Parse only: each command's action is replaced, so nothing runs.
      for (const cmd of program.commands) {
        cmd.action(() => {
          ran.push(cmd.name());
        });
      }
      await t.notThrowsAsync(program.parseAsync(exampleArgv(line), { from: 'user' }), `${line}: ${io.stderr.join('')}`);
      t.deepEqual(ran, [c.name], line);
    }
  }
});

test("each command's --help shows its examples", async (t) => {
  for (const c of spec.commands) {
    const io = bufferIo();
    t.is(await main([c.name, '--help'], io), 0);
    const help = io.stdout.join('');
    for (const e of c.examples) t.true(help.includes(`$ ${e}`), `${c.name} --help lacks: ${e}`);
  }
});

test('the committed man page is the one the definitions give (npm run gen:man)', (t) => {
  const committed = readFileSync(join(root, 'man/pveaudit.1'), 'utf8');
  t.is(committed, manPage(spec), 'run `npm run gen:man` and commit man/pveaudit.1');
  for (const c of spec.commands) t.true(committed.includes(`.SS ${c.name}`), c.name);
});

const has = (bin: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

for (const shell of SHELLS) {
  test(`${shell} completion: valid syntax, every command offered`, (t) => {
    const script = completionScript(spec, shell);
    for (const c of spec.commands) t.true(script.includes(c.name), `${shell}: ${c.name}`);
    if (!has(shell)) {
      t.log(`${shell} is not installed: syntax not checked`);
      return;
    }
    const file = join(mkdtempSync(join(tmpdir(), 'pveaudit-compl-')), `pveaudit.${shell}`);
    writeFileSync(file, script);
    t.notThrows(() => execFileSync(shell, ['-n', file], { stdio: 'pipe' }));
  });
}

test('bash completion completes commands, options and closed value lists', (t) => {
  t.true(has('bash'), 'bash is needed (scripts/setup.sh --lab installs it)');
  const file = join(mkdtempSync(join(tmpdir(), 'pveaudit-compl-')), 'pveaudit.bash');
  writeFileSync(file, completionScript(spec, 'bash'));
  const complete = (...words: string[]) =>
    execFileSync(
      'bash',
      [
        '-c',
        `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _pveaudit_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean);
  t.deepEqual(complete('pveaudit', 'in'), ['init', 'index']);
  t.deepEqual(complete('pveaudit', 'run', '--fail-on', 'h'), ['high']);
  t.true(complete('pveaudit', 'run', '--dr').includes('--dry-run'));
  t.deepEqual(complete('pveaudit', 'completion', 'f'), ['fish']);
});

test('fish completion answers like fish users expect', (t) => {
  t.true(has('fish'), 'fish is needed (scripts/setup.sh --lab installs it)');
  const file = join(mkdtempSync(join(tmpdir(), 'pveaudit-compl-')), 'pveaudit.fish');
  writeFileSync(file, completionScript(spec, 'fish'));
  const out = execFileSync(
    'fish',
    ['-c', `source ${file}; complete -C 'pveaudit sign r --ro'; complete -C 'pveaudit si'`],
    {
      encoding: 'utf8',
    },
  );
  t.regex(out, /^--role\t/m);
  t.regex(out, /^simulate\t/m);
  t.regex(out, /^sign\t/m);
});

test('pveaudit completion prints the script; an unknown shell is a usage error', async (t) => {
  const io = bufferIo();
  t.is(await main(['completion', 'bash'], io), 0);
  t.regex(io.stdout.join(''), /complete -o filenames -F _pveaudit_complete pveaudit/);
  const bad = bufferIo();
  t.is(await main(['completion', 'tcsh'], bad), 2);
  t.regex(bad.stderr.join(''), /unknown shell "tcsh"/);
});

test('NO_COLOR (non-empty) and a pipe turn colour off; paint is plain then', (t) => {
  t.false(wantsColor({ NO_COLOR: '1' }, true));
  t.true(wantsColor({ NO_COLOR: '' }, true), 'an empty NO_COLOR does not count');
  t.false(wantsColor({}, false));
  t.true(wantsColor({ FORCE_COLOR: '1' }, false));
  t.false(wantsColor({ TERM: 'dumb' }, true));
  const io = bufferIo();
  t.is(paint(io, 'red', 'failed'), 'failed');
  t.is(paint({ ...io, color: true }, 'red', 'failed'), '\u001b[31mfailed\u001b[39m');
});

test('--quiet silences progress, --verbose shows every step start, both at once is a usage error', async (t) => {
  const quiet = { ...bufferIo(), level: 'quiet' as const };
  const p = await createProgress(quiet, ['pve1']);
  p.step('pve1', 'hostname', 'running');
  p.step('pve1', 'hostname', 'ok');
  p.note('pve1', 'connecting');
  t.deepEqual(quiet.stderr, []);
  const verbose = { ...bufferIo(), level: 'verbose' as const, isTTY: true };
  const v = await createProgress(verbose, ['pve1']);
  v.step('pve1', 'hostname', 'running');
  v.step('pve1', 'hostname', 'ok');
  t.deepEqual(verbose.stderr, ['[pve1] hostname: running', '[pve1] hostname: ok']);
  const both = bufferIo();
  t.is(await main(['--quiet', '--verbose', 'demo'], both), 2);
  t.regex(both.stderr.join(''), /exclude each other/);
});

test('run --dry-run --json prints one JSON document on stdout, a plan per host', async (t) => {
  const io = bufferIo();
  const fixtures = join(root, 'test/fixtures/plan');
  const code = await main(
    [
      'run',
      '-i',
      join(fixtures, 'inventory.yml'),
      '-a',
      join(fixtures, 'audit.yml'),
      '--limit',
      'proxmox',
      '--dry-run',
      '--json',
    ],
    io,
  );
  t.is(code, 0, io.stderr.join('\n'));
  const doc = JSON.parse(io.stdout.join('\n'));
  t.deepEqual(
    doc.hosts.map((h: { host: string }) => h.host),
    ['pve1', 'pve2', 'pve3'],
  );
  t.true(doc.hosts[0].steps.some((s: { command: string }) => s.command.includes('pveversion')));
});
