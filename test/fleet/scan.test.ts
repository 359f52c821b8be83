import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { worstSeverity } from '../../src/fleet/order.js';
import { scanReports } from '../../src/fleet/scan.js';
import { ReportDigestSchema } from '../../src/schema/fleet.js';
import { type Report, ReportSchema } from '../../src/schema/report.js';

// The index reads only the report fields it shows (ReportDigestSchema). For every recorded report
// it must list exactly what reading the whole report through the full schema gave; a report.json
// that is broken in a field it shows is unreadable, with the field named.

const FIXTURES = new URL('../fixtures/report/', import.meta.url).pathname;
const NAMES = readdirSync(FIXTURES).filter((n) => !n.startsWith('.'));
const NOW = new Date('2026-12-03T12:00:00Z');
const RUN = '20261203T100000Z';

const load = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name, 'report.json'), 'utf8')) as Report;

function reportsDir(reports: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pa-scan-'));
  for (const [host, text] of Object.entries(reports)) {
    mkdirSync(join(root, host, RUN), { recursive: true });
    writeFileSync(join(root, host, RUN, 'report.json'), text);
  }
  return root;
}

test('the digest of every recorded report holds the same values as the full report schema gives', (t) => {
  t.true(NAMES.length >= 3);
  for (const name of NAMES) {
    const json = load(name);
    const full = ReportSchema.parse(json);
    t.deepEqual(
      ReportDigestSchema.parse(json),
      {
        schemaVersion: full.schemaVersion,
        host: full.host,
        startedAt: full.startedAt,
        status: full.status,
        incompleteSteps: full.incompleteSteps,
        summary: full.summary,
        answers: full.answers.map((a) => ({ question: a.question, answer: a.answer })),
        rootCause: full.rootCause === null ? null : { summary: full.rootCause.summary },
      },
      name,
    );
  }
});

test('the index over the recorded reports lists what the full reports say, the incomplete one included', async (t) => {
  const root = reportsDir(
    Object.fromEntries(NAMES.map((n) => [n, readFileSync(join(FIXTURES, n, 'report.json'), 'utf8')])),
  );
  const index = await scanReports(root, { now: NOW, maxAgeHours: 1e9 });
  t.is(index.hosts.length, NAMES.length);
  for (const name of NAMES) {
    const full = ReportSchema.parse(load(name));
    const host = index.hosts.find((h) => h.dir === `${name}/${RUN}`);
    t.like(host, {
      host: full.host.name,
      startedAt: full.startedAt,
      status: full.status,
      summary: full.summary,
      worst: worstSeverity(full.summary),
      answers: full.answers.map((a) => ({ question: a.question, answer: a.answer })),
      rootCause: full.rootCause?.summary ?? null,
      attention: full.status !== 'complete',
      problem:
        full.status === 'incomplete' ? full.incompleteSteps.map((s) => `${s.step}: ${s.reason}`).join('; ') : null,
    });
  }
  const incomplete = index.hosts.find((h) => h.status === 'incomplete');
  t.regex(incomplete?.problem ?? '', /^capture-listening: tcpdump is not capturing/, 'the nocapture fixture');
});

test('a report.json broken in a field the index shows is unreadable, the file and the field named', async (t) => {
  const seed = load('seed');
  const badAnswer = structuredClone(seed) as unknown as { answers: { answer: string }[] };
  (badAnswer.answers[0] as { answer: string }).answer = 'maybe';
  const noSummary = structuredClone(seed) as Partial<Report>;
  delete noSummary.summary;
  const root = reportsDir({
    'pve-answer': JSON.stringify(badAnswer),
    'pve-summary': JSON.stringify(noSummary),
    'pve-version': JSON.stringify({ ...seed, schemaVersion: '2' }),
    'pve-json': '{"schemaVersion": "1",',
  });
  const index = await scanReports(root, { now: NOW, maxAgeHours: 1e9 });
  const by = Object.fromEntries(index.hosts.map((h) => [h.host, h]));
  for (const h of index.hosts) {
    t.is(h.status, 'unreadable', h.host);
    t.true(h.attention, h.host);
    t.is(h.worst, null, h.host);
    t.deepEqual(h.answers, [], h.host);
  }
  t.regex(by['pve-answer']?.problem ?? '', /^report\.json does not match the report schema at answers\.0\.answer: /);
  t.regex(by['pve-summary']?.problem ?? '', /^report\.json does not match the report schema at summary: /);
  t.regex(by['pve-version']?.problem ?? '', /^report\.json does not match the report schema at schemaVersion: /);
  t.regex(by['pve-json']?.problem ?? '', /^report\.json is not valid JSON: /);
});

test('fields the index does not show are not read: a host with a damaged finding is still listed', async (t) => {
  // The overview shows counts, answers and the root cause; `pveaudit render` and `verify` read the rest.
  const seed = load('seed');
  const damaged = { ...seed, findings: [{ id: 42 }], flows: 'not a list' };
  const root = reportsDir({ pve: JSON.stringify(damaged) });
  const [host] = (await scanReports(root, { now: NOW, maxAgeHours: 1e9 })).hosts;
  t.is(host?.status, seed.status);
  t.deepEqual(host?.summary, seed.summary);
  t.is(host?.rootCause, seed.rootCause?.summary ?? null);
});

test('the index of a copied fixture directory keeps its links and run count', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pa-scan-copy-'));
  cpSync(join(FIXTURES, 'seed'), join(root, 'pve', RUN), { recursive: true });
  const [host] = (await scanReports(root, { now: NOW, maxAgeHours: 1e9 })).hosts;
  t.is(host?.runs, 1);
  t.deepEqual(
    host?.links.map((l) => l.name),
    ['report.md', 'report.json'],
  );
});

test('links: outputs in their fixed order, then the summaries; a symlinked output counts, a dangling one and a directory do not', async (t) => {
  const root = reportsDir({ pve: readFileSync(join(FIXTURES, 'seed', 'report.json'), 'utf8') });
  const run = join(root, 'pve', RUN);
  writeFileSync(join(root, 'elsewhere.html'), '<html></html>');
  symlinkSync(join(root, 'elsewhere.html'), join(run, 'report.html'));
  symlinkSync(join(root, 'missing.pdf'), join(run, 'report.pdf'));
  mkdirSync(join(run, 'report.md'));
  writeFileSync(join(run, 'ticket-summary.md'), '#');
  writeFileSync(join(run, 'a-summary.pdf'), '%PDF');
  mkdirSync(join(run, 'signatures'));
  writeFileSync(join(run, 'signatures', 'x.sig'), 'x');
  writeFileSync(join(run, 'signatures', 'notes.txt'), 'x');
  const [host] = (await scanReports(root, { now: NOW, maxAgeHours: 1e9 })).hosts;
  t.deepEqual(
    host?.links.map((l) => l.href),
    ['report.html', 'report.json', 'a-summary.pdf', 'ticket-summary.md'].map((n) => `pve/${RUN}/${n}`),
  );
  t.is(host?.signatures, 1);
});

test('forty hosts read in parallel are all listed, worst first, host name breaking ties', async (t) => {
  const seed = load('seed');
  const reports: Record<string, string> = {};
  for (let i = 0; i < 40; i++)
    reports[`pve${String(i).padStart(2, '0')}`] = JSON.stringify({
      ...seed,
      host: { ...seed.host, name: `pve${String(i).padStart(2, '0')}` },
    });
  const root = reportsDir(reports);
  const { hosts } = await scanReports(root, { now: NOW, maxAgeHours: 1e9 });
  t.deepEqual(
    hosts.map((h) => h.host),
    Object.keys(reports).sort(),
  );
});
