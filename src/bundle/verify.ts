import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { sha256File } from '../lib/hash.js';
import { EVIDENCE_DIR, SIGNATURES_DIR } from './paths.js';
import { readBundle } from './read.js';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  changed: string[];
  missing: string[];
  added: string[];
}

// Re-hashes every evidence file and rendered output against manifest.json.
export async function verifyBundle(dir: string): Promise<VerifyResult> {
  const bundle = await readBundle(dir);
  const expected = new Map<string, string>();
  for (const e of bundle.manifest.evidence) expected.set(`${EVIDENCE_DIR}/${e.path}`, e.sha256);
  for (const o of bundle.manifest.outputs) expected.set(o.path, o.sha256);

  const present = new Set(await listFiles(bundle.dir));
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, want] of expected) {
    if (!present.has(path)) {
      missing.push(path);
      continue;
    }
    const got = await sha256File(join(bundle.dir, path));
    if (got.sha256 !== want) changed.push(path);
  }
  // Anything the manifest does not list was added afterwards (signatures/ holds the sign-offs, which
  // sign the manifest and so cannot be in it); so was any symlink or other non-regular entry anywhere
  // (a report.md -> /elsewhere link would redirect a re-render).
  const added = [
    ...[...present].filter((p) => !expected.has(p) && !isSignoffFile(p)),
    ...(await listOddEntries(bundle.dir)).map((p) => `${p} (not a regular file)`),
  ].sort();
  return {
    ok: changed.length + missing.length + added.length === 0,
    checked: expected.size,
    changed: changed.sort(),
    missing: missing.sort(),
    added,
  };
}

// What `sign` and `verify --sheet` write into signatures/: <stem>.sig + <stem>.json per sign-off, and
// the sign-off sheet. Anything else there (a note, a nested directory) is an added file like any other.
const isSignoffFile = (p: string): boolean =>
  new RegExp(`^${SIGNATURES_DIR}/(?:[^/]+\\.(?:sig|json)|signoff\\.(?:html|pdf))$`).test(p);

async function listOddEntries(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isFile() && !e.isDirectory())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => p !== 'manifest.json');
}
