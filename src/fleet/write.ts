import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderFleetHtml } from '../render/fleet-html.js';
import type { FleetIndex } from '../schema/fleet.js';
import { scanReports } from './scan.js';

export const DEFAULT_MAX_AGE_HOURS = 7 * 24;

// Writes REPORTS_DIR/index.json and index.html (each through a temporary name, so a reader never
// sees half a file while a run rewrites them).
export async function writeFleetIndex(
  root: string,
  opts: { now?: Date; maxAgeHours?: number } = {},
): Promise<FleetIndex> {
  const index = await scanReports(root, {
    now: opts.now ?? new Date(),
    maxAgeHours: opts.maxAgeHours ?? DEFAULT_MAX_AGE_HOURS,
  });
  const files: [string, string][] = [
    ['index.json', `${JSON.stringify(index, null, 2)}\n`],
    ['index.html', renderFleetHtml(index)],
  ];
  for (const [name, content] of files) {
    const tmp = join(root, `.${name}.tmp-${process.pid}`);
    await writeFile(tmp, content);
    await rename(tmp, join(root, name));
  }
  return index;
}
