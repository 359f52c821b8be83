import { type CliSpec, type OptionSpec, takesPath, VALUE_CHOICES } from './spec.js';

// Completion scripts for bash, zsh and fish, generated from the command definitions: subcommands,
// their options, the closed lists of values, and file names where a value is a path.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function completionScript(spec: CliSpec, shell: Shell): string {
  if (shell === 'bash') return bash(spec);
  if (shell === 'zsh') return zsh(spec);
  return fish(spec);
}

const names = (o: OptionSpec) => [o.short, o.long].filter((x): x is string => x !== null);
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// The words before the cursor, and the first non-option word (the command).
const BASH_HEAD = [
  '  local cur prev cmd i',
  '  cur="$' + '{COMP_WORDS[COMP_CWORD]}"',
  '  prev="$' + '{COMP_WORDS[COMP_CWORD-1]}"',
  '  cmd=""',
  '  for ((i = 1; i < COMP_CWORD; i++)); do',
  '    case "$' + '{COMP_WORDS[i]}" in -*) ;; *) cmd="$' + '{COMP_WORDS[i]}"; break ;; esac',
  '  done',
].join('\n');

function bash(spec: CliSpec): string {
  const fn = `_${spec.name}_complete`;
  const lines = [
    `# bash completion for ${spec.name} ${spec.version} (generated: ${spec.name} completion bash)`,
    `${fn}() {`,
    BASH_HEAD,
    '  if [ -z "$cmd" ]; then',
    `    COMPREPLY=($(compgen -W ${sq([...spec.commands.map((c) => c.name), ...spec.options.flatMap(names)].join(' '))} -- "$cur"))`,
    '    return',
    '  fi',
    '  case "$prev" in',
  ];
  const valued = new Map<string, string>();
  for (const c of spec.commands) {
    for (const o of c.options) {
      if (!o.value || !o.long) continue;
      const choices = VALUE_CHOICES[o.long];
      const action = choices
        ? `COMPREPLY=($(compgen -W ${sq(choices.join(' '))} -- "$cur")); return ;;`
        : takesPath(o)
          ? 'COMPREPLY=($(compgen -f -- "$cur")); return ;;'
          : 'return ;;';
      for (const n of names(o)) if (!valued.has(n)) valued.set(n, action);
    }
  }
  for (const [n, action] of valued) lines.push(`    ${n}) ${action}`);
  lines.push('  esac', '  case "$cmd" in');
  for (const c of spec.commands) {
    const opts = [...c.options.flatMap(names), ...spec.options.flatMap(names), '--help'].join(' ');
    lines.push(
      `    ${c.name})`,
      '      if [[ "$cur" == -* ]]; then',
      `        COMPREPLY=($(compgen -W ${sq(opts)} -- "$cur"))`,
      '      else',
      c.name === 'completion'
        ? `        COMPREPLY=($(compgen -W 'bash zsh fish' -- "$cur"))`
        : '        COMPREPLY=($(compgen -f -- "$cur"))',
      '      fi',
      '      ;;',
    );
  }
  lines.push('  esac', '}', `complete -o filenames -F ${fn} ${spec.name}`, '');
  return lines.join('\n');
}

// zsh: one _arguments spec per subcommand.
function zsh(spec: CliSpec): string {
  const esc = (s: string) =>
    s
      .replace(/\\/g, '\\\\')
      .replace(/'/g, `'\\''`)
      .replace(/[[\]:]/g, (m) => `\\${m}`);
  const optSpec = (o: OptionSpec): string => {
    const action = !o.value
      ? ''
      : `:${esc(o.value.replace(/[<>[\]]/g, ''))}:${
          o.long && VALUE_CHOICES[o.long] ? `(${VALUE_CHOICES[o.long]?.join(' ')})` : takesPath(o) ? '_files' : ' '
        }`;
    const ns = names(o);
    const head = ns.length > 1 ? `'(${ns.join(' ')})'{${ns.join(',')}}'` : `'${ns[0]}`;
    return `${head}[${esc(o.description)}]${action}'`;
  };
  const lines = [
    `#compdef ${spec.name}`,
    `# zsh completion for ${spec.name} ${spec.version} (generated: ${spec.name} completion zsh)`,
    `_${spec.name}() {`,
    '  local line state',
    '  _arguments -C \\',
    ...spec.options.map((o) => `    ${optSpec(o)} \\`),
    "    '1: :->command' \\",
    "    '*:: :->args'",
    '  case $state in',
    '    command)',
    '      local -a commands',
    '      commands=(',
    ...spec.commands.map((c) => `        '${c.name}:${esc(c.description)}'`),
    '      )',
    "      _describe 'command' commands",
    '      ;;',
    '    args)',
    '      case $line[1] in',
  ];
  for (const c of spec.commands) {
    const args =
      c.name === 'completion'
        ? [`'1:shell:(bash zsh fish)'`]
        : c.arguments.map((a, i) => `'${i + 1}:${esc(a.name)}:_files'`);
    lines.push(
      `        ${c.name})`,
      '          _arguments \\',
      ...[...c.options.map(optSpec), ...spec.options.map(optSpec), ...args].map((x) => `            ${x} \\`),
      "            '(-h --help)'{-h,--help}'[show help]'",
      '          ;;',
    );
  }
  lines.push(
    '      esac',
    '      ;;',
    '  esac',
    '}',
    '',
    `if [ "$funcstack[1]" = "_${spec.name}" ]; then`,
    `  _${spec.name} "$@"`,
    'else',
    `  compdef _${spec.name} ${spec.name}`,
    'fi',
    '',
  );
  return lines.join('\n');
}

function fish(spec: CliSpec): string {
  const fq = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const all = spec.commands.map((c) => c.name).join(' ');
  const lines = [
    `# fish completion for ${spec.name} ${spec.version} (generated: ${spec.name} completion fish)`,
    `complete -c ${spec.name} -f`,
    ...spec.commands.map(
      (c) =>
        `complete -c ${spec.name} -n "not __fish_seen_subcommand_from ${all}" -a ${c.name} -d ${fq(c.description)}`,
    ),
  ];
  const optLine = (o: OptionSpec, cond: string) => {
    const parts = [`complete -c ${spec.name}`, `-n ${fq(cond)}`];
    if (o.long) parts.push(`-l ${o.long.slice(2)}`);
    if (o.short) parts.push(`-s ${o.short.slice(1)}`);
    if (o.value) {
      const choices = o.long ? VALUE_CHOICES[o.long] : undefined;
      parts.push(choices ? `-x -a ${fq(choices.join(' '))}` : takesPath(o) ? '-r -F' : '-x');
    }
    parts.push(`-d ${fq(o.description)}`);
    return parts.join(' ');
  };
  for (const o of spec.options) lines.push(optLine(o, 'true'));
  for (const c of spec.commands) {
    const cond = `__fish_seen_subcommand_from ${c.name}`;
    for (const o of c.options) lines.push(optLine(o, cond));
    if (c.name === 'completion') lines.push(`complete -c ${spec.name} -n ${fq(cond)} -a 'bash zsh fish'`);
    else if (c.arguments.length > 0) lines.push(`complete -c ${spec.name} -n ${fq(cond)} -F`);
  }
  lines.push('');
  return lines.join('\n');
}
