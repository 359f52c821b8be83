import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { sha256, sha256File } from '../../src/lib/hash.js';

// sha256File reads in 64 KiB chunks through one reused buffer: every size around a chunk boundary
// must hash like the whole file in memory, and count every byte.
test('sha256File equals sha256 of the whole content, around chunk boundaries and for an empty file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pa-hash-'));
  try {
    for (const size of [0, 1, 65_535, 65_536, 65_537, 3 * 65_536 + 7]) {
      const data = randomBytes(size);
      const file = join(dir, `f${size}`);
      await writeFile(file, data);
      t.deepEqual(await sha256File(file), { sha256: sha256(data), bytes: size }, `size ${size}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
