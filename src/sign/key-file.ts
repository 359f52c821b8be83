import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError } from '../lib/errors.js';
import { KeyError, type PublicKey, parsePublicBlob, privateFromWire, publicFromKeyObject } from './keys.js';
import { WireReader } from './wire.js';

export interface SigningKey {
  pk: PublicKey;
  // null when the file holds only the public half or a passphrase-protected key: the agent signs then
  priv: KeyObject | null;
  why?: string; // why priv is null, for the message when no agent holds the key either
}

const OPENSSH = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/;
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

// --key FILE: an OpenSSH or PEM private key, or a public key (.pub, the authorized_keys form) whose
// private half is in ssh-agent. A passphrase-protected key is signed with through the agent too:
// pveaudit never asks for a passphrase.
export async function loadKeyFile(file: string): Promise<SigningKey> {
  const text = await readFile(file, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read key: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`, { file });
  });
  try {
    const openssh = OPENSSH.exec(text);
    if (openssh) return parseOpensshPrivate(Buffer.from(openssh[1]?.replace(/\s+/g, '') ?? '', 'base64'));
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return await parsePem(text, file);
    const line = parsePublicLine(text);
    if (line) return { pk: line, priv: null, why: 'the file holds only a public key' };
  } catch (err) {
    if (err instanceof KeyError) throw new InputError(err.message, { file });
    throw err;
  }
  throw new InputError('not an SSH key (expected an OpenSSH/PEM private key or an "ssh-ed25519 AAAA..." line)', {
    file,
  });
}

function parseOpensshPrivate(raw: Buffer): SigningKey {
  if (!raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new KeyError('not an openssh-key-v1 private key');
  const r = new WireReader(raw.subarray(MAGIC.length), 'private key');
  const cipher = r.text();
  r.string(); // kdf name
  r.string(); // kdf options
  const count = r.uint32();
  if (count !== 1) throw new KeyError(`the key file holds ${count} keys; pveaudit signs with files holding one`);
  const pk = parsePublicBlob(r.string());
  if (cipher !== 'none') return { pk, priv: null, why: 'the key is protected by a passphrase' };
  const secret = new WireReader(r.string(), 'private key');
  const [check1, check2] = [secret.uint32(), secret.uint32()];
  if (check1 !== check2) throw new KeyError('private key check bytes differ: the file is damaged');
  const { key, pk: derived } = privateFromWire(secret);
  if (!derived.blob.equals(pk.blob)) throw new KeyError('the private key does not match its public key');
  return { pk, priv: key };
}

async function parsePem(text: string, file: string): Promise<SigningKey> {
  try {
    const key = createPrivateKey(text);
    return { pk: publicFromKeyObject(key), priv: key };
  } catch {
    // an encrypted PEM key: its public half is in FILE.pub, its private half may be in the agent
    const pub = await readFile(`${file}.pub`, 'utf8').catch(() => null);
    const pk = pub ? parsePublicLine(pub) : null;
    if (!pk) throw new KeyError(`cannot read this PEM key (passphrase-protected?) and there is no ${file}.pub`);
    return { pk, priv: null, why: 'the key is protected by a passphrase' };
  }
}

// "ssh-ed25519 AAAA... comment" (options before the type, as in authorized_keys, are not accepted here).
export function parsePublicLine(text: string): PublicKey | null {
  const m = /^\s*(ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|ssh-rsa)\s+([A-Za-z0-9+/=]+)/m.exec(text);
  if (!m) return null;
  const pk = parsePublicBlob(Buffer.from(m[2] ?? '', 'base64'));
  if (pk.type !== m[1]) throw new KeyError(`the key says ${m[1]} but its data is ${pk.type}`);
  return pk;
}
