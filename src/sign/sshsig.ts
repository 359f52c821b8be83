import { createHash } from 'node:crypto';
import { type PublicKey, parsePublicBlob, verifyRaw } from './keys.js';
import { concat, string, uint32, WireReader } from './wire.js';

// The SSHSIG format of OpenSSH's PROTOCOL.sshsig (what `ssh-keygen -Y sign` writes): a blob
// holding the public key, namespace and signature, armored between BEGIN/END SSH SIGNATURE lines.
// The signature covers a second structure: preamble, namespace, reserved, hash algorithm, H(message).

const PREAMBLE = Buffer.from('SSHSIG', 'latin1');
const VERSION = 1;
const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';
export type HashAlg = 'sha256' | 'sha512';

export interface SshSig {
  pk: PublicKey;
  namespace: string;
  hashAlg: HashAlg;
  signature: Buffer; // the SSH signature blob
}

// What the key actually signs for a message in a namespace.
export function signedData(message: Buffer, namespace: string, hashAlg: HashAlg): Buffer {
  if (namespace === '') throw new Error('an SSHSIG namespace must not be empty');
  const digest = createHash(hashAlg).update(message).digest();
  return concat(PREAMBLE, string(namespace), string(''), string(hashAlg), string(digest));
}

// Signs through `signer` (a local key or the agent) and returns the armored signature.
export async function sshsigSign(
  pk: PublicKey,
  message: Buffer,
  namespace: string,
  signer: (data: Buffer) => Promise<Buffer>,
): Promise<string> {
  const hashAlg: HashAlg = 'sha512'; // ssh-keygen's default
  const signature = await signer(signedData(message, namespace, hashAlg));
  const blob = concat(
    PREAMBLE,
    uint32(VERSION),
    string(pk.blob),
    string(namespace),
    string(''),
    string(hashAlg),
    string(signature),
  );
  const b64 = blob.toString('base64');
  const lines = b64.match(/.{1,70}/g) ?? [];
  return `${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

export class SshSigError extends Error {}

export function parseSshSig(armored: string): SshSig {
  const text = armored.trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) throw new SshSigError('not an armored SSH signature');
  const blob = Buffer.from(text.slice(BEGIN.length, -END.length).replace(/\s+/g, ''), 'base64');
  const r = new WireReader(blob, 'SSH signature');
  try {
    if (!r.bytes(PREAMBLE.length).equals(PREAMBLE)) throw new SshSigError('missing SSHSIG preamble');
    const version = r.uint32();
    if (version !== VERSION) throw new SshSigError(`unsupported SSHSIG version ${version}`);
    const pk = parsePublicBlob(r.string());
    const namespace = r.text();
    r.string(); // reserved: ignored, as the format says
    const hashAlg = r.text();
    if (hashAlg !== 'sha256' && hashAlg !== 'sha512') throw new SshSigError(`unsupported hash "${hashAlg}"`);
    const signature = r.string();
    return { pk, namespace, hashAlg, signature };
  } catch (err) {
    if (err instanceof SshSigError) throw err;
    throw new SshSigError((err as Error).message);
  }
}

// True only when the signature is in the expected namespace and verifies over the message.
export function sshsigVerify(sig: SshSig, message: Buffer, namespace: string): boolean {
  if (sig.namespace !== namespace) return false;
  return verifyRaw(sig.pk, sig.signature, signedData(message, namespace, sig.hashAlg));
}
