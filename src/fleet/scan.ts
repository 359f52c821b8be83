import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LATEST } from '../bundle/paths.js';
import { listRuns } from '../bundle/runs.js';
import { SEVERITIES } from '../schema/common.js';
import { type FleetHost, type FleetIndex, ReportDigestSchema } from '../schema/fleet.js';
import { worstFirst, worstSeverity } from './order.js';

const OUTPUTS = ['report.html', 'report.pdf', 'report.md', 'report.json'];

// Hosts read at once: the index is written after a run's last host, so its wall time is the run's;
// bounded, so a directory of thousands of hosts does not hold thousands of report texts at once.
const PARALLEL = 16;

// Reads REPORTS_DIR/<host>/<run>/ and returns the newest run of every host, worst first.
export async function scanReports(root: string, opts: { now: Date; maxAgeHours: number }): Promise<FleetIndex> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const names = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  const found = await mapLimit(names, PARALLEL, async (host) => {
    const runs = await listRuns(join(root, host));
    if (runs.length === 0) return null;
    const latest = await readlink(join(root, host, LATEST)).catch(() => null);
    const newest = latest && runs.includes(latest) ? latest : (runs.at(-1) as string);
    return describe(root, host, newest, runs.length, opts);
  });
  return {
    schemaVersion: '1',
    generatedAt: opts.now.toISOString(),
    maxAgeHours: opts.maxAgeHours,
    hosts: found.filter((h): h is FleetHost => h !== null).sort(worstFirst),
  };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function describe(
  root: string,
  host: string,
  run: string,
  runs: number,
  opts: { now: Date; maxAgeHours: number },
): Promise<FleetHost> {
  const dir = `${host}/${run}`;
  // One listing of the run directory answers which outputs exist (a symlink is followed, as stat would).
  const listing = await readdir(join(root, host, run), { withFileTypes: true }).catch(() => []);
  const isFile = async (name: string) => {
    const e = listing.find((x) => x.name === name);
    if (!e) return false;
    if (e.isFile()) return true;
    return e.isSymbolicLink() && Boolean((await stat(join(root, host, run, name)).catch(() => null))?.isFile());
  };
  const summaries = listing
    .map((e) => e.name)
    .filter((n) => /-summary\.(md|pdf)$/.test(n))
    .sort();
  const links: FleetHost['links'] = [];
  for (const name of [...OUTPUTS, ...summaries]) if (await isFile(name)) links.push({ name, href: `${dir}/${name}` });
  const hasSignatures = listing.some((e) => e.name === 'signatures' && (e.isDirectory() || e.isSymbolicLink()));
  const empty = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as FleetHost['summary'];
  const base: FleetHost = {
    host,
    run,
    dir,
    startedAt: null,
    status: 'unreadable',
    problem: null,
    summary: empty,
    worst: null,
    answers: [],
    rootCause: null,
    ageHours: null,
    stale: false,
    attention: true,
    runs,
    signatures: hasSignatures
      ? (await readdir(join(root, host, run, 'signatures')).catch(() => [] as string[])).filter((n) =>
          n.endsWith('.sig'),
        ).length
      : 0,
    links,
  };
  const text = await readFile(join(root, host, run, 'report.json'), 'utf8').catch(() => null);
  if (text === null) return { ...base, problem: 'no report.json (run with --format json to list it here)' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ...base, problem: `report.json is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = ReportDigestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ...base,
      problem: `report.json does not match the report schema at ${first?.path.join('.') || '(root)'}: ${first?.message}`,
    };
  }
  const r = parsed.data;
  const ageHours = Math.max(0, (opts.now.getTime() - Date.parse(r.startedAt)) / 3_600_000);
  const stale = ageHours > opts.maxAgeHours;
  return {
    ...base,
    host: r.host.name,
    startedAt: r.startedAt,
    status: r.status,
    problem: r.status === 'incomplete' ? r.incompleteSteps.map((s) => `${s.step}: ${s.reason}`).join('; ') : null,
    summary: r.summary,
    worst: worstSeverity(r.summary),
    answers: r.answers.map((a) => ({ question: a.question, answer: a.answer })),
    rootCause: r.rootCause?.summary ?? null,
    ageHours: Math.round(ageHours * 10) / 10,
    stale,
    attention: stale || r.status !== 'complete',
  };
}
