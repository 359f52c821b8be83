import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { renderAll } from '../../src/render/index.js';
import { renderSummaryMarkdown } from '../../src/render/summary.js';
import { loadContext, loadReport } from './fixture.js';

// The ticket summary: one to two pages with the decisions, named after host and run.

const seed = loadReport('seed');

test('summary.md carries the title block, three answers, root cause, findings, runbook titles, digest, sign-off', (t) => {
  const md = renderSummaryMarkdown(seed);
  t.regex(md, /^# Ticket summary: Firewall audit: pve,/);
  t.regex(md, /Report id \| `pve-\d{8}T\d{6}Z`/);
  for (const q of ['Are the correct rules loaded', 'Are the guest firewalls enabled', 'Are packets dropped']) {
    t.true(md.includes(q), q);
  }
  t.true(md.includes(`## Root cause\n\n${seed.rootCause!.summary}`));
  t.regex(md, /## Findings \(\d+ critical, \d+ high/);
  for (const f of seed.findings.slice(0, 3)) t.true(md.includes(f.title.replace(/([\\`*[|])/g, '\\$1')), f.title);
  t.regex(md, /## Runbook\n\n1\. /);
  t.true(md.includes(seed.evidenceDigest!));
  t.regex(md, /Reviewed by: _+/);
  // no remediation detail: that stays in the report
  t.false(md.includes('```diff'));
});

test('--format summary writes <host>-<run>-summary.md and .pdf, one to two pages', async (t) => {
  const out = await renderAll(seed, loadContext(seed), ['summary']);
  const names = Object.keys(out).sort();
  t.deepEqual(names, [`${seed.id}-summary.md`, `${seed.id}-summary.pdf`]);
  t.regex(names[0]!, /^pve-\d{8}T\d{6}Z-summary\.md$/);
  const dir = mkdtempSync(join(tmpdir(), 'pa-summary-'));
  const pdf = join(dir, 'summary.pdf');
  writeFileSync(pdf, out[names[1]!]!);
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]);
  t.true(pages >= 1 && pages <= 2, `${pages} pages`);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  t.regex(text, /Answers/);
  t.regex(text, /Runbook/);
  t.regex(text, /Root cause/);
  t.regex(text, /Approved by/);
  t.true(text.replace(/\s+/g, '').includes(seed.evidenceDigest!));
});
