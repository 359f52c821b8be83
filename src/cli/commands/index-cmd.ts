import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAge } from '../../fleet/order.js';
import { DEFAULT_MAX_AGE_HOURS, writeFleetIndex } from '../../fleet/write.js';
import { UsageError } from '../../lib/errors.js';
import type { Io } from '../io.js';

// pveaudit index [REPORTS_DIR] [--max-age AGE]: index.html + index.json over the newest run of every host.
export async function indexCommand(opts: { dir?: string; maxAge?: string }, io: Io, now = new Date()): Promise<number> {
  const root = opts.dir ?? 'reports';
  const maxAgeHours = opts.maxAge === undefined ? DEFAULT_MAX_AGE_HOURS : parseAge(opts.maxAge);
  if (maxAgeHours === null)
    throw new UsageError(`--max-age "${opts.maxAge}": use a number with m, h, d or w (e.g. 36h, 7d)`);
  if (!(await stat(root).catch(() => null))?.isDirectory()) throw new UsageError(`${root} is not a directory`);
  const index = await writeFleetIndex(root, { now, maxAgeHours });
  for (const h of index.hosts) {
    const counts = `${h.summary.critical} critical, ${h.summary.high} high, ${h.summary.medium} medium`;
    const flag = h.attention ? `  <- ${h.status !== 'complete' ? h.status : 'too old'}` : '';
    io.out(`${h.host.padEnd(16)} ${(h.run ?? '-').padEnd(18)} ${h.status.padEnd(10)} ${counts}${flag}`);
  }
  io.out(`${index.hosts.length} hosts; index written to ${join(root, 'index.html')} and index.json`);
  return 0;
}
