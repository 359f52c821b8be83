import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { EvidenceError } from '../lib/errors.js';
import { type Manifest, ManifestSchema } from '../schema/manifest.js';
import { checkEvidencePath, EVIDENCE_DIR, MANIFEST } from './paths.js';

export interface Bundle {
  readonly dir: string;
  readonly manifest: Manifest;
  // null when the manifest lists no such file or it is gone (verify reports tampering)
  read(path: string): Promise<Buffer | null>;
  readText(path: string): Promise<string | null>;
  absolute(path: string): string;
}

export async function readBundle(dir: string): Promise<Bundle> {
  const root = await realpath(dir).catch((cause) => {
    throw new EvidenceError(`cannot open report directory: ${(cause as Error).message}`, { file: dir });
  });
  const manifestPath = join(root, MANIFEST);
  const raw = await readFile(manifestPath, 'utf8').catch(() => {
    throw new EvidenceError('no manifest.json: this is not a pveaudit report or evidence bundle', { file: dir });
  });
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new EvidenceError(`manifest.json is not valid JSON: ${(cause as Error).message}`, { file: manifestPath });
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new EvidenceError(`manifest.json: ${first?.path.join('.') || '(root)'}: ${first?.message}`, {
      file: manifestPath,
    });
  }
  const manifest = parsed.data;
  const absolute = (path: string) => join(root, EVIDENCE_DIR, checkEvidencePath(path));
  const read = async (path: string) => readFile(absolute(path)).catch(() => null);
  return {
    dir: root,
    manifest,
    read,
    absolute,
    readText: async (path) => (await read(path))?.toString('utf8') ?? null,
  };
}
