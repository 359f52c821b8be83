import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { bufferIo, type Io } from '../../src/cli/io.js';
import type { Manifest } from '../../src/schema/manifest.js';
import type { Report } from '../../src/schema/report.js';
import { type Lab, labAvailable, labUp } from '../lab/lab.js';

// End-to-end tests run `pveaudit run` against a lab node; each test file uses its own lab indexes
// (20..29 here; the lab's own tests use 40..47) so files can run in parallel.

export const lab = labAvailable();
export const skipWhy = lab.ok ? null : `e2e tests skipped: this machine cannot run the lab (${lab.why})`;
if (skipWhy) console.warn(skipWhy);

export async function withLab<T>(
  t: ExecutionContext,
  scenario: string,
  index: number,
  body: (lab: Lab, out: string) => Promise<T>,
  prefix = `pa-e2e-${index}`,
): Promise<T> {
  const l = await labUp(scenario, { prefix, index });
  try {
    return await body(l, mkdtempSync(join(tmpdir(), `pveaudit-e2e-${scenario}-`)));
  } finally {
    await l.down();
    t.log(`lab ${scenario} down`);
  }
}

export function runOpts(l: Lab, out: string) {
  return { inventory: l.inventory, audit: l.audit, knownHosts: l.knownHosts, out, format: 'json' };
}

// An Io that calls `when` once a progress line matching `re` is written.
export function watchIo(re: RegExp, when: () => void): Io & { stdout: string[]; stderr: string[] } {
  const io = bufferIo();
  let fired = false;
  const err = io.err;
  io.err = (text) => {
    err(text);
    if (!fired && re.test(text)) {
      fired = true;
      when();
    }
  };
  return io;
}

export function latest(out: string, host: string): { dir: string; report: Report; manifest: Manifest } {
  const dir = join(out, host, 'latest');
  return {
    dir,
    report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report,
    manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest,
  };
}

// Report directories that look complete (anything but the writer's .tmp-* dirs).
export function finishedRuns(out: string, host: string): string[] {
  const dir = join(out, host);
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.tmp-')) : [];
}

// The lab node shares /tmp and the PID space with the machine (only its network and /etc/pve are its
// own), and other tests may capture at the same time: look only at tcpdumps in this lab's network
// namespace, and at this run's directory.
const LAB_TCPDUMPS = `me=$(readlink /proc/self/ns/net)
for p in $(pgrep -x tcpdump); do
  [ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$me" ] && echo "$p $(tr '\\0' ' ' < /proc/$p/cmdline)"
done; true`;

export interface NodeCapture {
  pid: string;
  dir: string;
}

// The capture running on the lab node now (from tcpdump's own -w argument), or null.
export async function runningCapture(l: Lab): Promise<NodeCapture | null> {
  const out = (await l.nodeExec(LAB_TCPDUMPS)).stdout;
  const m = /^(\d+) .* -w (\/tmp\/pveaudit\.[A-Za-z0-9]{6})\/capture\.pcap /m.exec(out);
  return m ? { pid: m[1] as string, dir: m[2] as string } : null;
}

// The capture directory a finished run used, from the cleanup command it recorded.
export function captureDir(manifest: Manifest): string | null {
  const cleanup = manifest.steps.find((s) => s.id === 'cleanup');
  return /rm -rf -- (\/tmp\/pveaudit\.[A-Za-z0-9]{6})/.exec(cleanup?.command ?? '')?.[1] ?? null;
}

// What a run may leave on the node: nothing. Both must come back empty.
export async function leftovers(l: Lab, dir: string | null): Promise<{ tcpdump: string; files: string }> {
  const ps = await l.nodeExec(LAB_TCPDUMPS);
  const ls = dir ? await l.nodeExec(`ls -d ${dir} 2>/dev/null; true`) : { stdout: '' };
  return { tcpdump: ps.stdout.trim(), files: ls.stdout.trim() };
}
