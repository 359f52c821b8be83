import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';

// What ~/.ssh/config says about one alias, with OpenSSH's tokens and ~ expanded.
export interface SshConfigEntry {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
}

// PVEAUDIT_SSH_CONFIG lets tests point at their own file instead of the user's.
export function sshConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.PVEAUDIT_SSH_CONFIG ?? join(homedir(), '.ssh', 'config');
}

export function readSshConfig(path: string): SSHConfig | null {
  try {
    return SSHConfig.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function lookupSshConfig(config: SSHConfig | null, alias: string): SshConfigEntry {
  if (!config) return { identityFiles: [] };
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
  return {
    hostName: hostName === undefined ? undefined : expandTokens(hostName, { host: alias, alias, user }),
    user,
    port: port === undefined ? undefined : Number(port),
    identityFiles: (Array.isArray(ids) ? ids : ids ? [ids] : []).map(expand),
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
