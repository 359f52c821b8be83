import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { concat, mpint, string, WireError, WireReader } from './wire.js';

// SSH public keys and signatures on Node's crypto: ed25519, ecdsa (nistp256/384/521) and rsa
// (rsa-sha2-256/512 signatures only; ssh-rsa SHA-1 signatures are refused, as PROTOCOL.sshsig says).

const CURVES = {
  nistp256: { jwk: 'P-256', hash: 'sha256', size: 32 },
  nistp384: { jwk: 'P-384', hash: 'sha384', size: 48 },
  nistp521: { jwk: 'P-521', hash: 'sha512', size: 66 },
} as const;
type Curve = keyof typeof CURVES;

export interface PublicKey {
  type: string; // ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa
  blob: Buffer; // the SSH wire serialisation
  key: KeyObject;
}

const b64u = (b: Buffer) => b.toString('base64url');
const fromB64u = (s: string | undefined) => Buffer.from(s ?? '', 'base64url');
const pad = (b: Buffer, size: number) =>
  b.length >= size ? b.subarray(b.length - size) : Buffer.concat([Buffer.alloc(size - b.length), b]);

export class KeyError extends Error {}

// "SHA256:..." as ssh-keygen -l prints it.
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

// The authorized_keys form: "ssh-ed25519 AAAA...".
export const publicKeyLine = (pk: PublicKey): string => `${pk.type} ${pk.blob.toString('base64')}`;

export function parsePublicBlob(blob: Buffer): PublicKey {
  try {
    const r = new WireReader(blob, 'public key');
    const type = r.text();
    if (type === 'ssh-ed25519') {
      const x = r.string();
      return { type, blob, key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(x) }, format: 'jwk' }) };
    }
    if (type.startsWith('ecdsa-sha2-')) {
      const curve = curveOf(r.text());
      const { x, y } = splitPoint(r.string(), curve);
      const key = createPublicKey({
        key: { kty: 'EC', crv: CURVES[curve].jwk, x: b64u(x), y: b64u(y) },
        format: 'jwk',
      });
      return { type, blob, key };
    }
    if (type === 'ssh-rsa') {
      const e = r.mpint();
      const n = r.mpint();
      return { type, blob, key: createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' }) };
    }
    throw new KeyError(`unsupported key type "${type}" (use ed25519, ecdsa or rsa)`);
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new KeyError(`malformed public key: ${(err as Error).message}`);
  }
}

// A Node KeyObject (public or private) -> the SSH public key it belongs to.
export function publicFromKeyObject(k: KeyObject): PublicKey {
  const pub = k.type === 'private' ? createPublicKey(k) : k;
  const jwk = pub.export({ format: 'jwk' });
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    return { type: 'ssh-ed25519', blob: concat(string('ssh-ed25519'), string(fromB64u(jwk.x))), key: pub };
  }
  if (jwk.kty === 'EC') {
    const curve = (Object.keys(CURVES) as Curve[]).find((c) => CURVES[c].jwk === jwk.crv);
    if (!curve) throw new KeyError(`unsupported elliptic curve ${jwk.crv}`);
    const type = `ecdsa-sha2-${curve}`;
    const size = CURVES[curve].size;
    const q = Buffer.concat([Buffer.from([4]), pad(fromB64u(jwk.x), size), pad(fromB64u(jwk.y), size)]);
    return { type, blob: concat(string(type), string(curve), string(q)), key: pub };
  }
  if (jwk.kty === 'RSA') {
    return {
      type: 'ssh-rsa',
      blob: concat(string('ssh-rsa'), mpint(fromB64u(jwk.e)), mpint(fromB64u(jwk.n))),
      key: pub,
    };
  }
  throw new KeyError(`unsupported key type ${jwk.kty}`);
}

// Signs with a private key and returns the SSH signature blob (string algorithm, string signature).
export function signRaw(pk: PublicKey, priv: KeyObject, data: Buffer): Buffer {
  if (pk.type === 'ssh-ed25519') return concat(string('ssh-ed25519'), string(sign(null, data, priv)));
  if (pk.type.startsWith('ecdsa-sha2-')) {
    const curve = curveOf(pk.type.slice('ecdsa-sha2-'.length));
    const rs = sign(CURVES[curve].hash, data, { key: priv, dsaEncoding: 'ieee-p1363' });
    const half = rs.length / 2;
    return concat(string(pk.type), string(concat(mpint(rs.subarray(0, half)), mpint(rs.subarray(half)))));
  }
  if (pk.type === 'ssh-rsa') return concat(string('rsa-sha2-512'), string(sign('sha512', data, priv)));
  throw new KeyError(`unsupported key type "${pk.type}"`);
}

// Checks an SSH signature blob against a public key; false on any mismatch, never throws on bad input.
export function verifyRaw(pk: PublicKey, sigBlob: Buffer, data: Buffer): boolean {
  try {
    const r = new WireReader(sigBlob, 'signature');
    const alg = r.text();
    const sig = r.string();
    if (pk.type === 'ssh-ed25519') return alg === 'ssh-ed25519' && verify(null, data, pk.key, sig);
    if (pk.type.startsWith('ecdsa-sha2-')) {
      if (alg !== pk.type) return false;
      const curve = curveOf(pk.type.slice('ecdsa-sha2-'.length));
      const inner = new WireReader(sig, 'ecdsa signature');
      const size = CURVES[curve].size;
      const rs = Buffer.concat([pad(inner.mpint(), size), pad(inner.mpint(), size)]);
      return verify(CURVES[curve].hash, data, { key: pk.key, dsaEncoding: 'ieee-p1363' }, rs);
    }
    if (pk.type === 'ssh-rsa') {
      const hash = alg === 'rsa-sha2-512' ? 'sha512' : alg === 'rsa-sha2-256' ? 'sha256' : null;
      return hash !== null && verify(hash, data, pk.key, sig);
    }
    return false;
  } catch {
    return false;
  }
}

function curveOf(name: string): Curve {
  if (Object.hasOwn(CURVES, name)) return name as Curve;
  throw new KeyError(`unsupported elliptic curve "${name}"`);
}

function splitPoint(q: Buffer, curve: Curve): { x: Buffer; y: Buffer } {
  const size = CURVES[curve].size;
  if (q.length !== 1 + 2 * size || q[0] !== 4) throw new WireError('ecdsa point is not uncompressed');
  return { x: q.subarray(1, 1 + size), y: q.subarray(1 + size) };
}

// The private half of an OpenSSH key as a Node KeyObject (from the openssh-key-v1 private section).
export function privateFromWire(r: WireReader): { pk: PublicKey; key: KeyObject; comment: string } {
  const type = r.text();
  let key: KeyObject;
  if (type === 'ssh-ed25519') {
    const x = r.string();
    const secret = r.string(); // seed (32) followed by the public key (32)
    key = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: b64u(x), d: b64u(secret.subarray(0, 32)) },
      format: 'jwk',
    });
  } else if (type.startsWith('ecdsa-sha2-')) {
    const curve = curveOf(r.text());
    const { x, y } = splitPoint(r.string(), curve);
    const d = pad(r.mpint(), CURVES[curve].size);
    key = createPrivateKey({
      key: { kty: 'EC', crv: CURVES[curve].jwk, x: b64u(x), y: b64u(y), d: b64u(d) },
      format: 'jwk',
    });
  } else if (type === 'ssh-rsa') {
    const [n, e, d, iqmp, p, q] = [r.mpint(), r.mpint(), r.mpint(), r.mpint(), r.mpint(), r.mpint()];
    const big = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
    const toBuf = (v: bigint) => {
      const hex = v.toString(16);
      return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
    };
    const dp = toBuf(big(d) % (big(p) - 1n));
    const dq = toBuf(big(d) % (big(q) - 1n));
    key = createPrivateKey({
      key: {
        kty: 'RSA',
        n: b64u(n),
        e: b64u(e),
        d: b64u(d),
        p: b64u(p),
        q: b64u(q),
        dp: b64u(dp),
        dq: b64u(dq),
        qi: b64u(iqmp),
      },
      format: 'jwk',
    });
  } else {
    throw new KeyError(`unsupported key type "${type}" (use ed25519, ecdsa or rsa)`);
  }
  const comment = r.text();
  return { pk: publicFromKeyObject(key), key, comment };
}
