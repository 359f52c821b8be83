import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../lib/errors.js';
import { HOSTNAME_RE, IPV4_RE } from '../schema/audit.js';
import type { Inventory, InventoryHost } from './inventory.js';
import { expandTokens, lookupSshConfig, readSshConfig, sshConfigPath } from './ssh-config.js';

// Everything needed to open one SSH connection, resolved like `ansible` + OpenSSH would.
export interface Target {
  name: string; // inventory name: names the report directory
  address: string;
  port: number;
  user: string;
  identityFiles: string[]; // tried in order after the agent's keys
  agent: string | null; // SSH_AUTH_SOCK
  // The known_hosts files OpenSSH would read for this host: the user's (the first is where a new key
  // is recorded), then the global ones.
  knownHosts?: { user: string[]; global: string[] };
}

export const GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
const USER_KNOWN_HOSTS = ['known_hosts', 'known_hosts2'];

const USER_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const IPV6_RE = /^[0-9A-Fa-f:]{2,39}$/;
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export function resolveTargets(inv: Inventory, hosts: InventoryHost[], env: NodeJS.ProcessEnv = process.env): Target[] {
  const config = readSshConfig(sshConfigPath(env));
  return hosts.map((h) => {
    const v = (k: string) => h.vars[k] ?? h.vars[k.replace('ansible_', 'ansible_ssh_')];
    const where = (k: string) =>
      h.sources[k] ?? h.sources[k.replace('ansible_', 'ansible_ssh_')] ?? { file: inv.path, field: `hosts.${h.name}` };
    const str = (k: string): string | undefined => {
      const val = v(k);
      if (val === undefined || val === null) return undefined;
      if (typeof val !== 'string' && typeof val !== 'number') throw new InputError('must be a string', where(k));
      return String(val);
    };
    // OpenSSH matches Host blocks against the name ssh is given: ansible_host, else the inventory name.
    const sshName = str('ansible_host') ?? h.name;
    const cfg = lookupSshConfig(config, sshName);
    const address = cfg.hostName ?? sshName;
    if (!HOSTNAME_RE.test(address) && !IPV4_RE.test(address) && !IPV6_RE.test(address)) {
      throw new InputError(`"${address}" is not a host name or IP address`, where('ansible_host'));
    }
    const user = str('ansible_user') ?? cfg.user ?? userInfo().username;
    if (!USER_RE.test(user)) throw new InputError(`"${user}" is not a valid user name`, where('ansible_user'));
    const portText = str('ansible_port');
    const port = portText !== undefined ? Number(portText) : (cfg.port ?? 22);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new InputError(`"${portText ?? cfg.port}" is not a TCP port`, where('ansible_port'));
    }
    const keyFile = str('ansible_ssh_private_key_file') ?? str('ansible_private_key_file');
    let identityFiles: string[];
    if (keyFile !== undefined) {
      const path = resolve(expandTokens(keyFile, { host: address, alias: sshName, user }));
      if (!existsSync(path))
        throw new InputError(`key file ${path} does not exist`, where('ansible_ssh_private_key_file'));
      identityFiles = [path];
    } else if (cfg.identityFiles.length > 0) {
      identityFiles = cfg.identityFiles.filter((p) => existsSync(p));
    } else {
      identityFiles = DEFAULT_KEYS.map((k) => join(homedir(), '.ssh', k)).filter((p) => existsSync(p));
    }
    const agent = env.SSH_AUTH_SOCK && env.SSH_AUTH_SOCK !== '' ? env.SSH_AUTH_SOCK : null;
    const knownHosts = {
      user:
        cfg.userKnownHosts.length > 0 ? cfg.userKnownHosts : USER_KNOWN_HOSTS.map((f) => join(homedir(), '.ssh', f)),
      global: cfg.globalKnownHosts.length > 0 ? cfg.globalKnownHosts : GLOBAL_KNOWN_HOSTS,
    };
    return { name: h.name, address, port, user, identityFiles, agent, knownHosts };
  });
}
