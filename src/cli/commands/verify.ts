import { verifyBundle } from '../../bundle/index.js';
import type { Io } from '../io.js';

export async function verifyCommand(opts: { dir: string }, io: Io): Promise<number> {
  const r = await verifyBundle(opts.dir);
  for (const p of r.changed) io.out(`changed  ${p}`);
  for (const p of r.missing) io.out(`missing  ${p}`);
  for (const p of r.added) io.out(`added    ${p}`);
  if (r.ok) {
    io.out(`ok: ${r.checked} files match manifest.json in ${opts.dir}`);
    return 0;
  }
  const n = r.changed.length + r.missing.length + r.added.length;
  io.out(`FAILED: ${n} of ${r.checked} files differ from manifest.json in ${opts.dir}`);
  return 1;
}
