import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, rmdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { EvidenceError } from '../lib/errors.js';
import { sha256, sha256File } from '../lib/hash.js';
import { TOOL } from '../lib/version.js';
import { type EvidenceFile, type Manifest, ManifestSchema } from '../schema/manifest.js';
import { writing } from './output-error.js';
import { checkEvidencePath, EVIDENCE_DIR, LATEST, MANIFEST, runId } from './paths.js';

export type ManifestInput = Omit<Manifest, 'schemaVersion' | 'tool' | 'evidence' | 'outputs'>;

export interface BundleWriter {
  readonly dir: string; // temporary until finish()
  readonly id: string;
  readonly evidence: readonly EvidenceFile[];
  addEvidence(path: string, data: Buffer | string, step: string | null): Promise<EvidenceFile>;
  addEvidenceFile(path: string, srcFile: string, step: string | null): Promise<EvidenceFile>;
  // Writes manifest.json into the temporary dir so the evidence can be analysed before finish().
  seal(manifest: ManifestInput): Promise<void>;
  finish(manifest: ManifestInput, outputs: Record<string, Buffer | string>): Promise<string>;
  abort(): Promise<void>;
}

// Writes into reports/<host>/.tmp-<id>-<pid> and renames into place only when complete,
// so an interrupted run never leaves a directory that looks finished.
export async function openBundleWriter(opts: {
  reportsRoot: string;
  host: string;
  startedAt: Date;
}): Promise<BundleWriter> {
  const hostDir = join(opts.reportsRoot, safeName(opts.host));
  const id = runId(opts.startedAt);
  const dir = join(hostDir, `.tmp-${id}-${process.pid}`);
  await writing(opts.reportsRoot, async () => {
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, EVIDENCE_DIR), { recursive: true });
  });
  const evidence: EvidenceFile[] = [];

  const record = (path: string, digest: { sha256: string; bytes: number }, step: string | null) => {
    const entry: EvidenceFile = { path, sha256: digest.sha256, bytes: digest.bytes, step };
    const at = evidence.findIndex((e) => e.path === path);
    if (at >= 0) evidence[at] = entry;
    else evidence.push(entry);
    return entry;
  };

  return {
    dir,
    id,
    evidence,
    async addEvidence(path, data, step) {
      const rel = checkEvidencePath(path);
      const target = join(dir, EVIDENCE_DIR, rel);
      await writing(opts.reportsRoot, async () => {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, data);
      });
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      return record(rel, { sha256: sha256(buf), bytes: buf.length }, step);
    },
    async addEvidenceFile(path, srcFile, step) {
      const rel = checkEvidencePath(path);
      const target = join(dir, EVIDENCE_DIR, rel);
      await writing(opts.reportsRoot, async () => {
        await mkdir(dirname(target), { recursive: true });
        await pipeline(createReadStream(srcFile), createWriteStream(target));
      });
      return record(rel, await sha256File(target), step);
    },
    async seal(input) {
      await writing(opts.reportsRoot, () => writeManifest(dir, input, evidence, []));
    },
    finish: (input, outputs) => writing(opts.reportsRoot, () => finish(input, outputs)),
    async abort() {
      await rm(dir, { recursive: true, force: true });
      // and the host's directory if this run was the only thing in it
      await rmdir(hostDir).catch(() => undefined);
    },
  };

  async function finish(input: ManifestInput, outputs: Record<string, Buffer | string>): Promise<string> {
    const outputEntries: EvidenceFile[] = [];
    for (const [name, content] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
      await writeFile(join(dir, name), content);
      const buf = typeof content === 'string' ? Buffer.from(content) : content;
      outputEntries.push({ path: name, sha256: sha256(buf), bytes: buf.length, step: null });
    }
    await writeManifest(dir, input, evidence, outputEntries);
    const final = await freeName(hostDir, id);
    await rename(dir, final);
    await pointLatest(hostDir, final);
    return final;
  }
}

async function writeManifest(
  dir: string,
  input: ManifestInput,
  evidence: EvidenceFile[],
  outputs: EvidenceFile[],
): Promise<void> {
  const manifest = ManifestSchema.parse({
    ...input,
    schemaVersion: '1',
    tool: TOOL,
    evidence: [...evidence].sort((a, b) => a.path.localeCompare(b.path)),
    outputs,
  });
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

// Rendered outputs of an existing report dir: rewrite them and their hashes in the manifest.
export async function replaceOutputs(dir: string, outputs: Record<string, Buffer | string>): Promise<void> {
  const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')));
  const entries = new Map(manifest.outputs.map((o) => [o.path, o]));
  for (const [name, content] of Object.entries(outputs)) {
    // never write through a link planted in the directory
    const existing = await lstat(join(dir, name)).catch(() => null);
    if (existing && !existing.isFile()) {
      throw new EvidenceError(`${name} is not a regular file; refusing to overwrite it`, { file: join(dir, name) });
    }
    await writeFile(join(dir, name), content);
    const buf = typeof content === 'string' ? Buffer.from(content) : content;
    entries.set(name, { path: name, sha256: sha256(buf), bytes: buf.length, step: null });
  }
  manifest.outputs = [...entries.values()].sort((a, b) => a.path.localeCompare(b.path));
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

// A second run within the same second gets a suffix rather than overwriting the first.
async function freeName(hostDir: string, id: string): Promise<string> {
  const taken = new Set(await readdir(hostDir));
  let name = id;
  for (let n = 2; taken.has(name); n++) name = `${id}-${n}`;
  return join(hostDir, name);
}

async function pointLatest(hostDir: string, final: string): Promise<void> {
  const link = join(hostDir, LATEST);
  const tmp = `${link}.tmp-${process.pid}`;
  await unlink(tmp).catch(() => undefined);
  await symlink(final.slice(hostDir.length + 1), tmp);
  await rename(tmp, link); // atomic replace of the old link
}

// Host names come from inventories; keep them to safe directory names.
export function safeName(host: string): string {
  return host.replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
}
