import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Report } from '../schema/report.js';
import type { Io } from './io.js';

export async function writeOutputFiles(dir: string, outputs: Record<string, Buffer | string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(outputs)) await writeFile(join(dir, name), content);
}

// The lines a user reads at the end: where the files are and what the audit concluded.
export function printReportSummary(io: Io, dir: string, names: string[], report: Report, withManifest = true): void {
  const rel = relative(process.cwd(), dir);
  // relative when under the current directory, absolute otherwise (no ../../ chains)
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? resolve(dir) : rel;
  const s = report.summary;
  io.out(
    `${report.host.name}: ${report.status}, findings: ${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low, ${s.info} info`,
  );
  if (report.rootCause) io.out(`root cause (${report.rootCause.layer}): ${report.rootCause.summary}`);
  io.out(`report directory: ${shown}`);
  for (const name of [...names, ...(withManifest ? ['manifest.json'] : [])].sort()) io.out(`  ${join(shown, name)}`);
}
