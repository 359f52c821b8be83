import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LATEST } from '../bundle/paths.js';
import { listRuns } from '../bundle/runs.js';
import { SEVERITIES } from '../schema/common.js';
import { type FleetHost, type FleetIndex, ReportDigestSchema } from '../schema/fleet.js';
import { worstFirst, worstSeverity } from './order.js';

const OUTPUTS = ['report.html', 'report.pdf', 'report.md', 'report.json'];

// Reads REPORTS_DIR/<host>/<run>/ and returns the newest run of every host, worst first.
export async function scanReports(root: string, opts: { now: Date; maxAgeHours: number }): Promise<FleetIndex> {
  const hosts: FleetHost[] = [];
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const runs = await listRuns(join(root, e.name));
    if (runs.length === 0) continue;
    const latest = await readlink(join(root, e.name, LATEST)).catch(() => null);
    const newest = latest && runs.includes(latest) ? latest : (runs.at(-1) as string);
    hosts.push(await describe(root, e.name, newest, runs.length, opts));
  }
  return {
    schemaVersion: '1',
    generatedAt: opts.now.toISOString(),
    maxAgeHours: opts.maxAgeHours,
    hosts: hosts.sort(worstFirst),
  };
}

async function describe(
  root: string,
  host: string,
  run: string,
  runs: number,
  opts: { now: Date; maxAgeHours: number },
): Promise<FleetHost> {
  const dir = `${host}/${run}`;
  const links: FleetHost['links'] = [];
  for (const name of [...OUTPUTS, ...(await summaries(join(root, host, run)))]) {
    if ((await stat(join(root, host, run, name)).catch(() => null))?.isFile())
      links.push({ name, href: `${dir}/${name}` });
  }
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
    signatures: (await readdir(join(root, host, run, 'signatures')).catch(() => [] as string[])).filter((n) =>
      n.endsWith('.sig'),
    ).length,
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

async function summaries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((n) => /-summary\.(md|pdf)$/.test(n)).sort();
}
