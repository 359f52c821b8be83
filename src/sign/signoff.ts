import { constants } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST, runId, SIGNATURES_DIR } from '../bundle/paths.js';
import { InputError, UsageError } from '../lib/errors.js';
import { sha256 } from '../lib/hash.js';
import type { SignatureCheck } from '../schema/signoff.js';
import { agentIdentities, agentSign } from './agent.js';
import { type AllowedSigner, acceptingLines, matchPatternList } from './allowed-signers.js';
import type { SigningKey } from './key-file.js';
import { fingerprint, publicKeyLine, signRaw } from './keys.js';
import { parseSshSig, sshsigSign, sshsigVerify } from './sshsig.js';

// A sign-off is two files in REPORT_DIR/signatures/: <stem>.sig, the SSHSIG over manifest.json
// exactly as `ssh-keygen -Y sign -n pveaudit-report` makes it (so OpenSSH alone can check it), and
// <stem>.json, who signed in which role and when, with its own signature over those words so a
// role or time cannot be edited afterwards. manifest.json hashes every evidence file and rendered
// output, so the signature covers the whole report; nothing the manifest lists is ever written.

export const NAMESPACE = 'pveaudit-report';
const RECORD_NAMESPACE = 'pveaudit-report-signoff';

export type { SignatureCheck } from '../schema/signoff.js';
export { SIGNATURES_DIR };
export const ROLES = ['prepared', 'reviewed', 'approved'] as const;
export type Role = (typeof ROLES)[number];

export interface SignoffRecord {
  schemaVersion: '1';
  name: string;
  role: Role;
  signedAt: string;
  manifestSha256: string;
  key: string; // "ssh-ed25519 AAAA..."
  fingerprint: string;
  recordSignature: string; // armored SSHSIG over statement(record), namespace pveaudit-report-signoff
}

// The words the record signature covers, one field a line.
function statement(r: Omit<SignoffRecord, 'recordSignature' | 'schemaVersion'>): Buffer {
  return Buffer.from(
    `pveaudit sign-off 1\nmanifest-sha256 ${r.manifestSha256}\nname ${r.name}\nrole ${r.role}\nsigned-at ${r.signedAt}\nkey ${r.key}\n`,
  );
}

export async function signReport(opts: {
  dir: string;
  key: SigningKey;
  name: string;
  role: Role;
  now: Date;
  agentSocket?: string;
}): Promise<{ sig: string; record: string; fingerprint: string }> {
  const manifest = await readFile(join(opts.dir, MANIFEST)).catch(() => {
    throw new InputError('no manifest.json: not a pveaudit report directory', { file: opts.dir });
  });
  const signer = await signerFor(opts.key, opts.agentSocket);
  const pk = opts.key.pk;
  const base = {
    name: opts.name,
    role: opts.role,
    signedAt: opts.now.toISOString(),
    manifestSha256: sha256(manifest),
    key: publicKeyLine(pk),
    fingerprint: fingerprint(pk.blob),
  };
  const sig = await sshsigSign(pk, manifest, NAMESPACE, signer);
  const record: SignoffRecord = {
    schemaVersion: '1',
    ...base,
    recordSignature: await sshsigSign(pk, statement(base), RECORD_NAMESPACE, signer),
  };
  const dir = join(opts.dir, SIGNATURES_DIR);
  await mkdir(dir, { recursive: true });
  const stem = `${runId(opts.now)}-${opts.role}-${opts.name.replace(/[^A-Za-z0-9._@-]/g, '_')}`;
  // 'wx': a second sign-off in the same second by the same person never replaces the first
  const flag = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY;
  await writeFile(join(dir, `${stem}.sig`), sig, { flag });
  await writeFile(join(dir, `${stem}.json`), `${JSON.stringify(record, null, 2)}\n`, { flag });
  return {
    sig: `${SIGNATURES_DIR}/${stem}.sig`,
    record: `${SIGNATURES_DIR}/${stem}.json`,
    fingerprint: base.fingerprint,
  };
}

async function signerFor(key: SigningKey, socket: string | undefined): Promise<(d: Buffer) => Promise<Buffer>> {
  const priv = key.priv;
  if (priv) return async (data) => signRaw(key.pk, priv, data);
  if (!socket) {
    throw new UsageError(
      `cannot sign: ${key.why ?? 'no private key'} and SSH_AUTH_SOCK is not set (load it with ssh-add)`,
    );
  }
  const held = await agentIdentities(socket);
  if (!held.some((b) => b.equals(key.pk.blob))) {
    throw new UsageError(
      `cannot sign: ${key.why ?? 'no private key'} and ssh-agent does not hold ${fingerprint(key.pk.blob)} (add it with ssh-add)`,
    );
  }
  return (data) => agentSign(socket, key.pk.blob, data);
}

// Checks every signatures/*.sig against manifest.json (and the signer against allowed_signers).
export async function checkSignatures(
  dir: string,
  allowed: readonly AllowedSigner[] | null,
  now: Date,
): Promise<SignatureCheck[]> {
  const manifest = await readFile(join(dir, MANIFEST));
  const names = (await readdir(join(dir, SIGNATURES_DIR)).catch(() => [] as string[])).filter((n) =>
    n.endsWith('.sig'),
  );
  const out: SignatureCheck[] = [];
  for (const name of names.sort()) {
    out.push(await checkOne(dir, name, manifest, allowed, now));
  }
  return out;
}

async function checkOne(
  dir: string,
  file: string,
  manifest: Buffer,
  allowed: readonly AllowedSigner[] | null,
  now: Date,
): Promise<SignatureCheck> {
  const rel = `${SIGNATURES_DIR}/${file}`;
  const result: SignatureCheck = {
    file: rel,
    status: 'BAD',
    name: null,
    role: null,
    signedAt: null,
    fingerprint: null,
    signerChecked: allowed !== null,
    problem: null,
  };
  let sig: ReturnType<typeof parseSshSig>;
  try {
    sig = parseSshSig(await readFile(join(dir, SIGNATURES_DIR, file), 'utf8'));
  } catch (err) {
    return { ...result, problem: `unreadable signature: ${(err as Error).message}` };
  }
  result.fingerprint = fingerprint(sig.pk.blob);
  const record = await readRecord(join(dir, SIGNATURES_DIR, `${file.slice(0, -4)}.json`));
  if (record === 'invalid') return { ...result, problem: `${file.slice(0, -4)}.json is not a sign-off record` };
  if (record) Object.assign(result, { name: record.name, role: record.role, signedAt: record.signedAt });
  if (sig.namespace !== NAMESPACE) return { ...result, problem: `namespace is "${sig.namespace}", not ${NAMESPACE}` };
  if (!sshsigVerify(sig, manifest, NAMESPACE)) {
    return { ...result, problem: 'the signature does not match manifest.json (report changed, or signature damaged)' };
  }
  if (record) {
    const recordOk =
      record.key === publicKeyLine(sig.pk) && record.manifestSha256 === sha256(manifest) && verifiesRecord(record);
    if (!recordOk)
      return { ...result, problem: `${SIGNATURES_DIR}/${file.slice(0, -4)}.json (name, role, time) was altered` };
  }
  if (!allowed) return { ...result, status: 'good' };
  // the key must be allowed for this namespace at signing time, under the name it signed with
  const at = result.signedAt ? new Date(result.signedAt) : now;
  const lines = acceptingLines(allowed, sig.pk.blob, NAMESPACE, at);
  if (record) {
    if (lines.some((l) => matchPatternList(record.name, l.principals))) return { ...result, status: 'good' };
    return {
      ...result,
      status: 'unknown signer',
      problem: `no allowed_signers line accepts this key for "${record.name}"`,
    };
  }
  // a bare ssh-keygen signature: the principals that accept its key name the signer
  if (lines.length === 0)
    return { ...result, status: 'unknown signer', problem: 'no allowed_signers line accepts this key' };
  return { ...result, status: 'good', name: lines.map((l) => l.principals).join(',') };
}

function verifiesRecord(r: SignoffRecord): boolean {
  try {
    const { recordSignature, schemaVersion: _v, ...base } = r;
    const sig = parseSshSig(recordSignature);
    return publicKeyLine(sig.pk) === r.key && sshsigVerify(sig, statement(base), RECORD_NAMESPACE);
  } catch {
    return false;
  }
}

// null: no record (a signature made with ssh-keygen alone); 'invalid': a record that cannot be read.
async function readRecord(path: string): Promise<SignoffRecord | 'invalid' | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const r = JSON.parse(text) as SignoffRecord;
    const fields = ['name', 'role', 'signedAt', 'manifestSha256', 'key', 'fingerprint', 'recordSignature'] as const;
    return fields.every((f) => typeof r?.[f] === 'string') ? r : 'invalid';
  } catch {
    return 'invalid';
  }
}
