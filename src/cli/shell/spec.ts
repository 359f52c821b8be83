// The command line as plain data, taken from the commander definition in main.ts: completions, the
// man page and the help examples are generated from it, so none can drift from what parses.

export interface OptionSpec {
  flags: string; // as written: "-i, --inventory <path>"
  long: string | null; // --inventory
  short: string | null; // -i
  value: string | null; // "<path>", "[dir]", or null for a switch
  description: string;
  defaultValue: string | null;
  required: boolean;
}

export interface ArgumentSpec {
  name: string;
  required: boolean;
  description: string;
}

export interface CommandSpec {
  name: string;
  description: string;
  arguments: ArgumentSpec[];
  options: OptionSpec[];
  examples: string[]; // full command lines, starting with "pveaudit "
}

export interface CliSpec {
  name: string;
  version: string;
  description: string;
  options: OptionSpec[]; // global options
  commands: CommandSpec[];
}

// Values an option takes, when they are a closed list (offered by the completions).
export const VALUE_CHOICES: Record<string, string[]> = {
  '--format': ['html', 'pdf', 'json', 'md', 'summary', 'html,pdf,json,md', 'json,md'],
  '--fail-on': ['critical', 'high', 'medium', 'low', 'info'],
  '--fail-on-new': ['critical', 'high', 'medium', 'low', 'info'],
  '--paper': ['a4', 'letter'],
  '--proto': ['tcp', 'udp', 'icmp', 'icmpv6'],
  '--role': ['prepared', 'reviewed', 'approved'],
};

// A value placeholder that names a file or directory gets file completion.
export const takesPath = (o: OptionSpec | ArgumentSpec) =>
  /file|dir|path|inventory|audit|reports|key|signers|tests|old|new/i.test('value' in o ? (o.value ?? '') : o.name);
