// POSIX shell quoting: every remote command is a string for the node's sh, so each argument is quoted
// unless it is made only of characters the shell never interprets.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function joinArgv(argv: readonly (string | number)[]): string {
  return argv.map((a) => shQuote(String(a))).join(' ');
}
