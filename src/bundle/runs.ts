import { readdir } from 'node:fs/promises';

// A run directory is named by its UTC start (20261125T184900Z, -2 for a second run in that second);
// .tmp-* directories are runs still being written, or interrupted, and never count.
const RUN_DIR = /^\d{8}T\d{6}Z(?:-\d+)?$/;

// The finished runs under reports/<host>/, oldest first.
export async function listRuns(hostDir: string): Promise<string[]> {
  const entries = await readdir(hostDir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && RUN_DIR.test(e.name))
    .map((e) => e.name)
    .sort(byRunName);
}

// 20261125T184900Z < 20261125T184900Z-2 < 20261125T184901Z
function byRunName(a: string, b: string): number {
  const [ta, na] = a.split('-');
  const [tb, nb] = b.split('-');
  return (ta ?? '').localeCompare(tb ?? '') || Number(na ?? 1) - Number(nb ?? 1);
}
