import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readBundle, verifyBundle } from '../../bundle/index.js';
import { InputError } from '../../lib/errors.js';
import { parseAllowedSigners } from '../../sign/allowed-signers.js';
import { checkSignatures, type SignatureCheck } from '../../sign/signoff.js';
import type { Io } from '../io.js';
import { evidenceDigest } from '../pipeline.js';

// Re-hashes the report against its manifest, checks report.json's evidence digest, then every
// sign-off signature; exit 1 on any difference, bad signature or (with --allowed-signers) unknown signer.
export async function verifyCommand(
  opts: { dir: string; allowedSigners?: string; sheet?: boolean; out?: string; paper?: string },
  io: Io,
  now: Date = new Date(),
): Promise<number> {
  const r = await verifyBundle(opts.dir);
  for (const p of r.changed) io.out(`changed  ${p}`);
  for (const p of r.missing) io.out(`missing  ${p}`);
  for (const p of r.added) io.out(`added    ${p}`);
  let ok = r.ok;
  if (r.ok) io.out(`ok: ${r.checked} files match manifest.json in ${opts.dir}`);
  else {
    const n = r.changed.length + r.missing.length + r.added.length;
    io.out(`FAILED: ${n} of ${r.checked} files differ from manifest.json in ${opts.dir}`);
  }
  const digest = await digestCheck(opts.dir);
  if (digest) {
    io.out(digest.line);
    ok &&= digest.ok;
  }

  const allowed = opts.allowedSigners
    ? parseAllowedSigners(await readAllowed(opts.allowedSigners), opts.allowedSigners)
    : null;
  const checks = await checkSignatures(opts.dir, allowed, now);
  if (checks.length === 0) io.out('signatures: none (sign with: pveaudit sign DIR --key FILE)');
  for (const c of checks) io.out(signatureLine(c));
  if (checks.length > 0 && !allowed) io.out('  signers not checked: give --allowed-signers FILE to check who signed');
  ok &&= checks.every((c) => c.status === 'good');

  if (opts.sheet) {
    const { writeSignoffSheet } = await import('./signoff-sheet.js');
    const files = await writeSignoffSheet({
      dir: opts.dir,
      checks,
      allowedSigners: opts.allowedSigners ?? null,
      now,
      out: opts.out,
      paper: opts.paper,
    });
    for (const f of files) io.out(`sign-off sheet: ${f}`);
  }
  return ok ? 0 : 1;
}

// "good     reviewed  alice@example.com  2026-12-03T08:00:00Z  SHA256:...  signatures/x.sig"
export function signatureLine(c: SignatureCheck): string {
  const status = c.status === 'good' ? 'good' : c.status === 'BAD' ? 'BAD' : 'UNKNOWN';
  const cols = [
    status.padEnd(7),
    (c.role ?? '-').padEnd(9),
    c.name ?? '-',
    c.signedAt ?? '-',
    c.fingerprint ?? '-',
    c.file,
  ];
  return `${cols.join('  ')}${c.problem ? `\n  ${c.problem}` : ''}`;
}

async function readAllowed(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read allowed signers: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`, {
      file,
    });
  });
}

// report.json states an evidence digest; it must be the digest of the evidence the manifest lists.
async function digestCheck(dir: string): Promise<{ ok: boolean; line: string } | null> {
  const text = await readFile(join(dir, 'report.json'), 'utf8').catch(() => null);
  if (text === null) return null;
  let stated: unknown;
  try {
    stated = (JSON.parse(text) as { evidenceDigest?: unknown }).evidenceDigest;
  } catch {
    return { ok: false, line: 'FAILED: report.json is not valid JSON' };
  }
  // every report pveaudit writes states one; without it nothing ties report.json to the evidence
  if (typeof stated !== 'string')
    return { ok: false, line: 'FAILED: report.json states no evidence digest, so it cannot be tied to the evidence' };
  const actual = evidenceDigest(await readBundle(dir));
  return actual === stated
    ? { ok: true, line: `ok: report.json's evidence digest ${stated.slice(0, 16)}... matches the manifest` }
    : {
        ok: false,
        line: `FAILED: report.json's evidence digest ${stated.slice(0, 16)}... is not the manifest's (${actual.slice(0, 16)}...)`,
      };
}
