import { ConnectionError } from '../lib/errors.js';
import type { Target } from '../plan/targets.js';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  hostField,
  keyLabel,
  keysInFiles,
  keyType,
} from './known-hosts.js';

export interface HostKeyPolicy {
  // The user's known_hosts: read first, and where --accept-new-host-keys records a key.
  knownHostsPath: string;
  // Read as well, never written: the user's other files and the global ones (/etc/ssh/ssh_known_hosts).
  otherKnownHosts?: readonly string[];
  acceptNew: boolean;
}

export interface HostKeyCheck {
  // ssh2's hostVerifier: answers through `verify` once known_hosts is read (and appended to).
  verifier: (key: Buffer, verify: (ok: boolean) => void) => void;
  // The host key algorithms in OpenSSH's order, with the types already known for this host first,
  // so a host known by its RSA key is not suddenly "unknown" because it also has an ED25519 key.
  algorithms: () => Promise<string[]>;
  fingerprint(): string | null;
  // Why the key was refused, as the one line a user sees; null when it was not refused.
  refusal(): ConnectionError | null;
}

const DEFAULT_ORDER = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

const algosFor = (type: string) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]);

export function hostKeyCheck(target: Target, policy: HostKeyPolicy): HostKeyCheck {
  let seen: string | null = null;
  let refused: ConnectionError | null = null;
  const where = hostField(target.address, target.port);
  const file = policy.knownHostsPath;
  const files = [file, ...(policy.otherKnownHosts ?? [])];
  const at = (v: { file?: string; line: number }) => `${v.file ?? file}:${v.line}`;
  return {
    fingerprint: () => seen,
    refusal: () => refused,
    async algorithms() {
      const known = (await keysInFiles(files, target.address, target.port)).filter((k) => !k.revoked);
      const first = [...new Set(known.flatMap((k) => algosFor(k.type)))].filter((a) => DEFAULT_ORDER.includes(a));
      return [...first, ...DEFAULT_ORDER.filter((a) => !first.includes(a))];
    },
    verifier(blob, verify) {
      seen = fingerprint(blob);
      const shown = `${keyLabel(keyType(blob))} key ${seen}`;
      keysInFiles(files, target.address, target.port)
        .then(async (keys) => {
          const verdict = checkHostKey(keys, blob);
          switch (verdict.status) {
            case 'known':
              return true;
            case 'changed':
              refused = new ConnectionError(
                'E_HOST_KEY',
                `${target.name}: REMOTE HOST IDENTIFICATION HAS CHANGED for ${where}: it sent ${shown}, but ${at(verdict)} has ${verdict.expected}; refusing to connect (if the change is expected, remove the old key with: ssh-keygen -R '${where}' -f ${verdict.file ?? file})`,
              );
              return false;
            case 'revoked':
              refused = new ConnectionError(
                'E_HOST_KEY',
                `${target.name}: the host key of ${where} (${shown}) is marked @revoked in ${at(verdict)}; refusing to connect`,
              );
              return false;
            case 'unknown':
              // Like OpenSSH's accept-new: a host already known by another key type is not new.
              if (verdict.otherTypes.length > 0) {
                refused = new ConnectionError(
                  'E_HOST_KEY',
                  `${target.name}: REMOTE HOST IDENTIFICATION HAS CHANGED for ${where}: it sent ${shown}, but ${files.length === 1 ? `${file} knows` : `${files.join(', ')} know`} it only by ${verdict.otherTypes.join(', ')}; refusing to connect (if the change is expected, remove the old key with: ssh-keygen -R '${where}' -f ${file})`,
                );
                return false;
              }
              if (policy.acceptNew) {
                await appendKnownHost(file, target.address, target.port, blob);
                return true;
              }
              refused = new ConnectionError(
                'E_HOST_KEY',
                `${target.name}: unknown host key for ${where}: ${shown}; check it (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the node), then run again with --accept-new-host-keys to record it in ${file}`,
              );
              return false;
          }
        })
        .then(verify, (err: Error) => {
          refused = new ConnectionError('E_HOST_KEY', `${target.name}: cannot read known hosts: ${err.message}`);
          verify(false);
        });
    },
  };
}
