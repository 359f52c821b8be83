import { readFileSync } from 'node:fs';
import test from 'ava';
import { diffReports } from '../../src/diff/index.js';
import { renderDiffMarkdown } from '../../src/diff/markdown.js';
import { ReportDiffSchema } from '../../src/schema/diff.js';
import { type Report, ReportSchema } from '../../src/schema/report.js';

const seed = (): Report =>
  ReportSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/report/seed/report.json', import.meta.url), 'utf8')));

// The run after the fix: the critical finding is gone, a new low one appeared, a flow now passes.
function afterFix(): Report {
  const r = seed();
  const [first, ...rest] = r.findings;
  r.findings = [
    ...rest,
    { ...first!, id: 'f-new000000001', severity: 'low', title: 'Guest firewall logs nothing', subject: 'vm1001' },
  ];
  // What changed is typed state (the probe now completes), not only the sentence.
  r.flows = r.flows.map((f) =>
    f.name === 'traefik-to-portainer'
      ? {
          ...f,
          verdict: 'pass',
          observed: {
            capture: f.observed?.capture ? { ...f.observed.capture, verdict: 'connected' as const } : null,
            probe: { exitCode: 0, phase: 'done' as const, httpStatus: 200, verdict: 'reachable (HTTP 200)' },
          },
        }
      : f,
  );
  r.startedAt = '2026-11-26T09:00:00Z';
  return r;
}

test('findings are matched by stable id into new, resolved and persisting', (t) => {
  const before = seed();
  const d = diffReports(before, afterFix());
  t.deepEqual(
    d.findings.resolved.map((f) => f.id),
    [before.findings[0]!.id],
  );
  t.deepEqual(
    d.findings.new.map((f) => f.id),
    ['f-new000000001'],
  );
  t.is(d.findings.persisting.length, before.findings.length - 1);
  t.true(d.findings.persisting.every((p) => !p.changed));
  ReportDiffSchema.parse(d);
});

test('flow verdict changes and unchanged flows are told apart', (t) => {
  const d = diffReports(seed(), afterFix());
  const portainer = d.flows.find((f) => f.name === 'traefik-to-portainer');
  t.is(portainer?.change, 'changed');
  t.is(portainer?.before?.verdict, seed().flows.find((f) => f.name === 'traefik-to-portainer')?.verdict);
  t.is(portainer?.after?.verdict, 'pass');
  t.is(d.flows.find((f) => f.name === 'traefik -> step-ca')?.change, 'same');
});

test('a reworded verdict, summary or answer is not a change; another reason param is', (t) => {
  const before = seed();
  const reworded = seed();
  reworded.flows = reworded.flows.map((f) => ({ ...f, verdict: `${f.verdict} (reworded)` }));
  if (reworded.rootCause) reworded.rootCause = { ...reworded.rootCause, summary: 'Said differently.' };
  reworded.answers = reworded.answers.map((a) => ({ ...a, because: 'Said differently.' }));
  const d = diffReports(before, reworded);
  t.true(d.flows.every((f) => f.change === 'same'));
  t.false(d.rootCause.changed ?? true);
  t.true(d.answers.every((a) => a.changed === false));
  // the same flow decided by another line of the same file: a change, found through the reason
  const moved = seed();
  moved.flows = moved.flows.map((f) =>
    f.simulated
      ? { ...f, simulated: { ...f.simulated, reason: { code: 'policy', file: 'firewall/1001.fw', line: 99 } } }
      : f,
  );
  t.true(diffReports(before, moved).flows.some((f) => f.change === 'changed'));
});

test('a report diffed with itself has nothing new or resolved', (t) => {
  const d = diffReports(seed(), seed());
  t.is(d.findings.new.length, 0);
  t.is(d.findings.resolved.length, 0);
  t.true(d.flows.every((f) => f.change === 'same'));
});

test('markdown names the counts and each new and resolved finding', (t) => {
  const before = seed();
  const md = renderDiffMarkdown(diffReports(before, afterFix()));
  t.regex(md, /\*\*1 new, 1 resolved, 4 persisting findings\.\*\*/);
  t.true(md.includes(before.findings[0]!.title));
  t.true(md.includes('Guest firewall logs nothing'));
});

// Two real runs: the lab's seed, then the same node after the first runbook step (scenario fixed).
test('the lab seed and fixed reports diff as the fix: the probe connects, the finding drops to low', (t) => {
  const fixed = ReportSchema.parse(
    JSON.parse(readFileSync(new URL('../fixtures/report/fixed/report.json', import.meta.url), 'utf8')),
  );
  const d = diffReports(seed(), fixed);
  t.true(d.sameHost);
  t.deepEqual(d.findings.new, []);
  t.deepEqual(d.findings.resolved, []);
  const lowered = d.findings.persisting.filter((p) => p.changed);
  t.is(lowered.length, 1);
  t.like(lowered[0], { severityBefore: 'high', finding: { severity: 'low', subject: 'vm1001' } });
  t.like(lowered[0]?.reasonBefore, { code: 'rule-wrong-file', copied: false });
  const portainer = d.flows.find((f) => f.name === 'traefik-to-portainer');
  t.is(portainer?.change, 'changed');
  t.is(portainer?.before?.simulated?.action, 'DROP');
  t.is(portainer?.after?.simulated?.action, 'ACCEPT');
  const dropped = d.answers.find((a) => a.question === 'packets-dropped');
  t.like(dropped, { before: 'yes', after: 'no', changed: true });
  t.true(d.rootCause.changed ?? false);
  t.is(d.rootCause.afterReason ?? null, null);
});

test('reports of different hosts are flagged', (t) => {
  const other = seed();
  other.host.name = 'pve2';
  const d = diffReports(seed(), other);
  t.false(d.sameHost);
  t.regex(renderDiffMarkdown(d), /different hosts \(pve and pve2\)/);
});

test.serial('pveaudit diff writes html, pdf, json and md and prints the counts', async (t) => {
  const { mkdtemp, writeFile, readFile, mkdir, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { execFileSync } = await import('node:child_process');
  const { main } = await import('../../src/cli/main.js');
  const { bufferIo } = await import('../../src/cli/io.js');
  const root = await mkdtemp(join(tmpdir(), 'pa-diff-'));
  for (const [name, r] of [
    ['old', seed()],
    ['new', afterFix()],
  ] as const) {
    await mkdir(join(root, name));
    await writeFile(join(root, name, 'report.json'), JSON.stringify(r));
  }
  const io = bufferIo();
  const code = await main(
    ['diff', join(root, 'old'), join(root, 'new'), '--out', join(root, 'd'), '--format', 'html,pdf,json,md'],
    io,
  );
  t.is(code, 0, io.stderr.join('\n'));
  // the one-paragraph summary comes first, then the counts
  t.regex(io.stdout[0]!, /^pve: 1 finding resolved, 1 new; /);
  t.true(io.stdout.some((l) => /findings: 1 new, 1 resolved, 4 persisting/.test(l)));
  t.true(
    io.stdout.some((l) =>
      /flow changed +traefik-to-portainer: DROP at firewall\/1001\.fw:\d+ -> DROP at firewall\/1001\.fw:\d+/.test(l),
    ),
  );
  const json = JSON.parse(await readFile(join(root, 'd', 'diff.json'), 'utf8'));
  t.is(json.findings.new[0].id, 'f-new000000001');
  const pdf = execFileSync('pdftotext', [join(root, 'd', 'diff.pdf'), '-'], { encoding: 'utf8' });
  t.regex(pdf, /Resolved findings/);
  t.regex(await readFile(join(root, 'd', 'diff.md'), 'utf8'), /## New findings/);
  // the new finding is low: --fail-on-new low fails, --fail-on-new medium does not
  const strict = bufferIo();
  t.is(await main(['diff', join(root, 'old'), join(root, 'new'), '--fail-on-new', 'low'], strict), 1);
  t.regex(strict.stdout.at(-1)!, /FAILED: 1 new finding\(s\) at or above low/);
  t.is(await main(['diff', join(root, 'old'), join(root, 'new'), '--fail-on-new', 'medium'], bufferIo()), 0);
  // the same finding, raised from low to high, is new at --fail-on-new high
  const lower = seed();
  lower.findings[1] = { ...lower.findings[1]!, severity: 'low' };
  await writeFile(join(root, 'old', 'report.json'), JSON.stringify(lower));
  const raised = bufferIo();
  t.is(await main(['diff', join(root, 'old'), join(root, 'new'), '--fail-on-new', 'high'], raised), 1);
  t.regex(raised.stdout.at(-1)!, /1 of them raised from a lower severity/);
  await rm(root, { recursive: true });
});

test('pveaudit diff on a directory without report.json names the file', async (t) => {
  const { main } = await import('../../src/cli/main.js');
  const { bufferIo } = await import('../../src/cli/io.js');
  const io = bufferIo();
  t.is(await main(['diff', '/nonexistent/a', '/nonexistent/b'], io), 2);
  t.regex(io.stderr.join('\n'), /\/nonexistent\/a\/report\.json: not a readable report\.json/);
});

test('a persisting finding whose severity changed is counted and listed', (t) => {
  const after = seed();
  after.findings[0] = { ...after.findings[0]!, severity: 'low' };
  const d = diffReports(seed(), after);
  const md = renderDiffMarkdown(d);
  t.regex(md, /5 persisting findings \(1 with a changed severity\)/);
  t.regex(
    md,
    /## Changed severity\n\n\| Before \| After \| Finding \| Subject \|\n\| --- \| --- \| --- \| --- \|\n\| high \| low \|/,
  );
});
