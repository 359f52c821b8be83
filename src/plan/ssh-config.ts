import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';

// What ~/.ssh/config says about one alias, with OpenSSH's tokens and ~ expanded.
export interface SshConfigEntry {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  // UserKnownHostsFile / GlobalKnownHostsFile, each a space-separated list; empty when not set
  userKnownHosts: string[];
  globalKnownHosts: string[];
}

// PVEAUDIT_SSH_CONFIG lets tests point at their own file instead of the user's.
export function sshConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.PVEAUDIT_SSH_CONFIG ?? join(homedir(), '.ssh', 'config');
}

export function readSshConfig(path: string): SSHConfig | null {
  try {
    return SSHConfig.parse(inlineIncludes(readFileSync(path, 'utf8'), dirname(path), 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

// The ssh-config package does not follow Include; OpenSSH does, so inline the included files.
// Relative paths are relative to the config's directory (~/.ssh), `*` and `?` match in the last
// path segment, files are taken in name order, and nesting stops at 16 levels as in OpenSSH.
function inlineIncludes(text: string, dir: string, depth: number): string {
  if (depth > 16) return '';
  return text.replace(/^[ \t]*Include[ \t]+(.+)$/gim, (_, list: string) =>
    list
      .trim()
      .split(/\s+/)
      .flatMap((pattern) =>
        matchFiles(isAbsolute(pattern) ? pattern : join(dir, pattern.replace(/^~\//, `${homedir()}/`))),
      )
      .map((file) => inlineIncludes(readFileSync(file, 'utf8'), dir, depth + 1))
      .join('\n'),
  );
}

function matchFiles(path: string): string[] {
  const name = basename(path);
  if (!/[*?]/.test(name)) return existsSync(path) ? [path] : [];
  const re = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  const parent = dirname(path);
  if (!existsSync(parent)) return [];
  return readdirSync(parent)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => join(parent, f));
}

export function lookupSshConfig(config: SSHConfig | null, alias: string): SshConfigEntry {
  if (!config) return { identityFiles: [], userKnownHosts: [], globalKnownHosts: [] };
  // matchExec off: computing the config must never run a shell command from it.
  const c = config.compute(alias, { ignoreCase: true, matchExec: false });
  const one = (k: string): string | undefined => {
    const v = c[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const hostName = one('hostname');
  const user = one('user');
  const expand = (p: string) => expandTokens(p, { host: hostName ?? alias, alias, user });
  const ids = c.identityfile;
  const port = one('port');
  const list = (k: string) => {
    const v = c[k];
    return (Array.isArray(v) ? v : v ? [v] : [])
      .flatMap((x) => x.split(/\s+/))
      .filter((x) => x !== '' && x.toLowerCase() !== 'none')
      .map(expand);
  };
  return {
    hostName: hostName === undefined ? undefined : expandTokens(hostName, { host: alias, alias, user }),
    user,
    port: port === undefined ? undefined : Number(port),
    identityFiles: (Array.isArray(ids) ? ids : ids ? [ids] : []).map(expand),
    userKnownHosts: list('userknownhostsfile'),
    globalKnownHosts: list('globalknownhostsfile'),
  };
}

// The subset of ssh_config(5) TOKENS that make sense here: %% %d %h %n %r %u and a leading ~.
export function expandTokens(value: string, ctx: { host: string; alias: string; user?: string }): string {
  const home = homedir();
  const local = userInfo().username;
  const expanded = value.replace(/%([%dhnru])/g, (_, t: string) => {
    switch (t) {
      case '%':
        return '%';
      case 'd':
        return home;
      case 'h':
        return ctx.host;
      case 'n':
        return ctx.alias;
      case 'r':
        return ctx.user ?? local;
      default:
        return local;
    }
  });
  return expanded === '~' ? home : expanded.startsWith('~/') ? join(home, expanded.slice(2)) : expanded;
}
