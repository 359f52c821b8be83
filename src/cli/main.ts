import '../schema/zod-config.js';
import { Command, CommanderError, Option } from 'commander';
import { PveauditError, UsageError } from '../lib/errors.js';
import { neutralise, safeLine } from '../lib/safe-text.js';
import { TOOL } from '../lib/version.js';
import { type Io, processIo } from './io.js';
import { EXAMPLES } from './shell/examples.js';
import type { CliSpec, OptionSpec } from './shell/spec.js';

// The command line of DESIGN.md: scripts outside the project call it exactly like this.
export function buildProgram(io: Io, done: (code: number) => void): Command {
  const program = new Command('pveaudit')
    .description('Read-only auditor for Proxmox VE firewalls and guest connectivity')
    .version(TOOL.version)
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    // Global: they may stand before or after the command name.
    .option('-q, --quiet', 'print results and errors only (no progress, no notes)')
    .option('--verbose', 'print every step as it starts and ends, with no redrawn lines')
    .hook('preAction', () => {
      const g = program.opts();
      if (g.quiet && g.verbose) throw new UsageError('--quiet and --verbose exclude each other');
      io.level = g.quiet ? 'quiet' : g.verbose ? 'verbose' : 'normal';
    });

  const formats = new Option(
    '--format <list>',
    'output formats, comma separated: html,pdf,json,md (default), summary (ticket summary .md + .pdf)',
  );
  // Options are objects commander mutates per command, so each command gets its own.
  const paper = () => new Option('--paper <size>', 'PDF paper size: a4 (default) or letter');

  program
    .command('run')
    .description('audit the nodes of an inventory over SSH and write one report per host')
    .requiredOption(
      '-i, --inventory <path>',
      'Ansible inventory: INI, YAML, ansible-inventory --list JSON, or a directory',
    )
    .requiredOption('-a, --audit <file>', 'audit file (guests, capture, probes, intent)')
    .option('--limit <host>', 'only these hosts or groups (comma separated)')
    .option('--out <dir>', 'reports directory', 'reports')
    .addOption(formats)
    .addOption(paper())
    .option('--known-hosts <file>', 'known_hosts file to verify host keys against')
    .option('--accept-new-host-keys', 'record unknown host keys instead of refusing them')
    .option('--forks <n>', 'hosts audited in parallel', (v) => Number.parseInt(v, 10), 5)
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
    .option('--dry-run', 'print every remote command the plan would run, and run none')
    .option('--json', 'print a machine-readable summary per host on stdout (the human lines go to stderr)')
    .action(async (opts) => {
      const { runCommand } = await import('./commands/run.js');
      done(await runCommand(opts, io));
    });

  program
    .command('init')
    .description(
      'read a node once and write a starting audit.yml and an intent.yml recording its firewall as it is now',
    )
    .requiredOption(
      '-i, --inventory <path>',
      'Ansible inventory: INI, YAML, ansible-inventory --list JSON, or a directory',
    )
    .option('--limit <host>', 'the one host to read (may be omitted when the inventory has one host)')
    .option('--out <dir>', 'where audit.yml and intent.yml are written', '.')
    .option('--known-hosts <file>', 'known_hosts file to verify host keys against')
    .option('--accept-new-host-keys', 'record unknown host keys instead of refusing them')
    .option('--force', 'replace audit.yml and intent.yml if they exist')
    .action(async (opts) => {
      const { initCommand } = await import('./commands/init.js');
      done(await initCommand(opts, io));
    });

  program
    .command('render')
    .description('re-render a report, or analyse an evidence bundle, offline')
    .argument('<dirs...>', 'report or evidence bundle directories (several: one browser prints them all)')
    .option('--intent <file>', 'intent file (native YAML/JSON) or Phoenix directory to compare against')
    .option('--out <dir>', 'write the outputs here instead of into the directory (several: into <dir>/<name>)')
    .addOption(formats)
    .addOption(paper())
    .action(async (dirs: string[], opts) => {
      const { renderCommand, renderMany } = await import('./commands/render.js');
      const [dir] = dirs;
      done(dirs.length === 1 && dir ? await renderCommand({ dir, ...opts }, io) : await renderMany(dirs, opts, io));
    });

  program
    .command('simulate')
    .description('decide one flow, or a file of flows, the way pve-firewall simulate does')
    .requiredOption('--pve-dir <dir>', 'directory laid out like /etc/pve')
    .option('--from <zone>', 'host, outside, nfvm, vm<ID>, ct<ID>, vm<ID>i<N>, <bridge>/<port> or a guest IP')
    .option('--to <zone>', 'destination zone or guest IP')
    .option('--proto <proto>', 'tcp, udp, icmp or icmpv6', 'tcp')
    .option('--dport <n>', 'destination port (or icmp type)')
    .option('--sport <n>', 'source port')
    .option('--source <ip>', 'source address')
    .option('--dest <ip>', 'destination address')
    .option('--tests <file>', "flows in pve's test syntax, one per line")
    .option('--host-ip <ip>', 'the node address')
    .option('--local-network <cidr>', 'the local_network the node detected')
    .option('--json', 'machine-readable output')
    .action(async (opts) => {
      const { simulateCommand } = await import('./commands/simulate.js');
      done(await simulateCommand(opts, io));
    });

  program
    .command('diff')
    .description('compare two reports of a host: answers, findings, flows and the evidence that changed')
    .argument('[old]', 'older report directory')
    .argument('[new]', 'newer report directory')
    .option('--host <name>', 'compare the two newest runs under REPORTS/NAME instead')
    .option('--reports <dir>', 'with --host: the reports directory', 'reports')
    .option('--out <dir>', 'write diff.html, diff.pdf, diff.json, diff.md here')
    .option('--format <list>', 'html,pdf,json,md (default: all four)')
    .option('--fail-on-new <severity>', 'exit 1 when a new finding is at or above this severity')
    .addOption(paper())
    .action(async (oldDir, newDir, opts) => {
      const { diffCommand } = await import('./commands/diff.js');
      done(await diffCommand({ oldDir, newDir, ...opts }, io));
    });

  program
    .command('verify')
    .description('re-hash a report directory against its manifest and check its sign-off signatures')
    .argument('<dir>', 'report directory')
    .option('--allowed-signers <file>', 'OpenSSH allowed_signers file: also check who signed')
    .option('--sheet', 'write the one-page sign-off sheet (signoff.html, signoff.pdf) into signatures/ or --out')
    .option('--out <dir>', 'with --sheet: write the sheet here')
    .addOption(paper())
    .action(async (dir, opts) => {
      const { verifyCommand } = await import('./commands/verify.js');
      done(await verifyCommand({ dir, ...opts }, io));
    });

  program
    .command('sign')
    .description('sign a report (an OpenSSH SSHSIG over manifest.json) into REPORT_DIR/signatures/')
    .argument('<dir>', 'report directory')
    .requiredOption('--key <file>', 'SSH private key, or public key whose private half is in ssh-agent')
    .option('--name <name>', 'signer name, as in your allowed_signers file (default user@host)')
    .option('--role <role>', 'prepared, reviewed or approved', 'reviewed')
    .action(async (dir, opts) => {
      const { signCommand } = await import('./commands/sign.js');
      done(await signCommand({ dir, ...opts }, io));
    });

  program
    .command('index')
    .description('write index.html and index.json: the newest run of every host, worst first')
    .argument('[reports]', 'reports directory', 'reports')
    .option('--max-age <age>', 'runs older than this stand out (e.g. 36h, 7d; default 7d)')
    .action(async (dir, opts) => {
      const { indexCommand } = await import('./commands/index-cmd.js');
      done(await indexCommand({ dir, ...opts }, io));
    });

  program
    .command('demo')
    .description('render the bundled sample audit (no Proxmox host needed)')
    .option('--out <dir>', 'reports directory', 'reports')
    .addOption(formats)
    .addOption(paper())
    .action(async (opts) => {
      const { demoCommand } = await import('./commands/demo.js');
      done(await demoCommand(opts, io));
    });

  program
    .command('completion')
    .description('print a completion script for bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      const { completionScript, SHELLS } = await import('./shell/completion.js');
      if (!(SHELLS as readonly string[]).includes(shell))
        throw new UsageError(`completion: unknown shell "${shell}": use ${SHELLS.join(', ')}`);
      io.out(completionScript(describeProgram(program), shell as 'bash'));
      done(0);
    });

  // Two real examples under every command's --help (the same ones the man page shows).
  for (const cmd of program.commands) {
    const examples = EXAMPLES[cmd.name()] ?? [];
    if (examples.length > 0) cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  }
  return program;
}

// The definition above as plain data, for completions, the man page and the tests.
export function describeProgram(program: Command = buildProgram(processIo, () => undefined)): CliSpec {
  const option = (o: Option): OptionSpec => ({
    flags: o.flags,
    long: o.long ?? null,
    short: o.short ?? null,
    value: o.required || o.optional ? (/[<[][^>\]]*[>\]]/.exec(o.flags)?.[0] ?? null) : null,
    description: o.description,
    defaultValue: o.defaultValue === undefined ? null : String(o.defaultValue),
    required: o.mandatory,
  });
  return {
    name: program.name(),
    version: program.version() ?? '',
    description: program.description(),
    options: program.options.map(option),
    commands: program.commands.map((c) => ({
      name: c.name(),
      description: c.description(),
      arguments: c.registeredArguments.map((a) => ({
        name: a.name(),
        required: a.required,
        description: a.description,
      })),
      options: c.options.map(option),
      examples: EXAMPLES[c.name()] ?? [],
    })),
  };
}

// Runs one command line; returns the exit code instead of exiting so tests can call it.
export async function main(argv: string[], given: Io = processIo): Promise<number> {
  let code = 0;
  // A copy per command line: the global flags set its level without touching the caller's Io.
  const io: Io = { ...given };
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    return reportError(err, io);
  }
}

export function reportError(err: unknown, io: Io): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof PveauditError) {
    // Messages quote input (file names, keys, values from a node): neutralised and clipped, so a
    // hostile value can neither drive the terminal nor flood it.
    const where = err.location ? `${safeLine(err.location, 300)}: ` : '';
    io.err(`pveaudit: ${where}${safeLine(err.message)}`);
    if (err.code === 'E_INTERNAL')
      io.err('pveaudit: this is a bug in pveaudit; please report it with the command line.');
    return 2;
  }
  // No stack trace unless asked for: it says nothing to a user, and its message may quote input.
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  io.err(`pveaudit: unexpected error: ${safeLine(what)}`);
  if (process.env.PVEAUDIT_DEBUG && err instanceof Error && err.stack) io.err(neutralise(err.stack));
  else io.err('pveaudit: (set PVEAUDIT_DEBUG=1 to print where it happened)');
  io.err('pveaudit: this is a bug in pveaudit; please report it with the command line.');
  return 2;
}
