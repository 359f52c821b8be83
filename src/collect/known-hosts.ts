import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

// known_hosts as OpenSSH reads it: plain and hashed (|1|salt|hash) host fields, [host]:port for
// non-22 ports, comma lists, * ? wildcards and !negation, @revoked; @cert-authority lines are skipped.

export interface KnownKey {
  file?: string;
  line: number;
  type: string; // ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, ...
  blob: Buffer;
  revoked: boolean;
}

export type HostKeyVerdict =
  | { status: 'known'; line: number; file?: string }
  | { status: 'unknown'; otherTypes: string[] }
  | { status: 'changed'; line: number; file?: string; expected: string }
  | { status: 'revoked'; line: number; file?: string };

// OpenSSH writes the host field as "host" on port 22 and "[host]:port" otherwise, with the name in
// lower case: hashed entries only match the lower-cased name.
export function hostField(address: string, port: number): string {
  const host = address.toLowerCase();
  return port === 22 ? host : `[${host}]:${port}`;
}

// "SHA256:..." exactly as ssh-keygen -l and ssh print it (base64 without padding).
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

// The key type is the first string inside the key blob.
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

// "ED25519", "ECDSA", "RSA": how ssh names the key type next to a fingerprint.
export function keyLabel(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type.startsWith('ecdsa-')) return 'ECDSA';
  if (type === 'ssh-rsa') return 'RSA';
  return type;
}

function wildcard(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function hostMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pat of field.split(',')) {
    if (pat.startsWith('!')) {
      if (wildcard(pat.slice(1), name)) return false;
    } else if (wildcard(pat, name)) matched = true;
  }
  return matched;
}

// Keys listed for one host, in file order. Malformed lines are skipped, as ssh does.
export function keysFor(text: string, address: string, port: number): KnownKey[] {
  const name = hostField(address, port);
  const keys: KnownKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      if (fields[0] === '@cert-authority') return;
      revoked = fields[0] === '@revoked';
      if (!revoked) return;
      fields = fields.slice(1);
    }
    const [hosts, type, b64] = fields;
    if (!hosts || !type || !b64 || !hostMatches(hosts, name)) return;
    keys.push({ line: i + 1, type, blob: Buffer.from(b64, 'base64'), revoked });
  });
  return keys;
}

export function checkHostKey(known: KnownKey[], blob: Buffer): HostKeyVerdict {
  const revoked = known.find((k) => k.revoked && k.blob.equals(blob));
  if (revoked) return { status: 'revoked', line: revoked.line, file: revoked.file };
  const live = known.filter((k) => !k.revoked);
  const same = live.find((k) => k.blob.equals(blob));
  if (same) return { status: 'known', line: same.line, file: same.file };
  const type = keyType(blob);
  const sameType = live.find((k) => keyType(k.blob) === type || k.type === type);
  if (sameType)
    return { status: 'changed', line: sameType.line, file: sameType.file, expected: fingerprint(sameType.blob) };
  return { status: 'unknown', otherTypes: [...new Set(live.map((k) => k.type))] };
}

export async function readKnownHosts(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

// Every file OpenSSH consults, in its order (the user's files, then the global ones); a missing file
// is empty, an unreadable one an error.
export async function keysInFiles(paths: readonly string[], address: string, port: number): Promise<KnownKey[]> {
  const keys: KnownKey[] = [];
  for (const file of [...new Set(paths)]) {
    for (const k of keysFor(await readKnownHosts(file), address, port)) keys.push({ ...k, file });
  }
  return keys;
}

// Appends the key the way `ssh -o StrictHostKeyChecking=accept-new` does (unhashed, mode 600).
export async function appendKnownHost(path: string, address: string, port: number, blob: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const existing = await readKnownHosts(path);
  const sep = existing === '' || existing.endsWith('\n') ? '' : '\n';
  const line = `${sep}${hostField(address, port)} ${keyType(blob)} ${blob.toString('base64')}\n`;
  await appendFile(path, line, { mode: 0o600 });
}
