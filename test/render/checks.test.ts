import test from 'ava';
import { renderMarkdown } from '../../src/render/markdown.js';
import { seedReport } from '../analyse/seed-facts.js';

// Passed checks are shown with what they verified, and the outcome counts sit beside the severities.
test('the report lists every check with its outcome, passed ones included, and counts them', async (t) => {
  const r = await seedReport();
  t.truthy(r.checks?.length);
  const passed = r.checks?.filter((c) => c.outcome === 'passed') ?? [];
  t.true(passed.length > 0);
  t.is(
    (r.outcomes?.passed ?? 0) + (r.outcomes?.failed ?? 0) + (r.outcomes?.error ?? 0) + (r.outcomes?.notApplicable ?? 0),
    r.checks?.length ?? -1,
  );
  t.true(r.checks?.some((c) => c.id === 'cluster_firewall_disabled' && c.outcome === 'passed'));
  const md = renderMarkdown(r);
  t.regex(md, /Checks: \d+ passed, \d+ failed, \d+ could not tell, \d+ not applicable/);
  t.true(md.includes('✔ passed | The datacenter firewall is enabled'));
  // A finding's title is the problem found, never the expectation the check verifies.
  for (const f of r.findings) t.not(f.title, r.checks?.find((c) => c.id === f.checkId)?.title);
});
