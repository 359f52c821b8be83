import test from 'ava';
import { renderMarkdown } from '../../src/render/markdown.js';
import type { Report } from '../../src/schema/report.js';
import { loadReport } from './fixture.js';

const seed = loadReport('seed');

test('title, status, the three answers and the root cause', (t) => {
  const md = renderMarkdown(seed);
  t.true(md.startsWith(`# Firewall audit: pve, ${seed.startedAt.slice(0, 10)} ${seed.startedAt.slice(11, 19)} UTC\n`));
  t.true(md.includes('| Status | **complete** |'));
  t.true(md.includes('- **Are the correct rules loaded on the host?** **YES**: As generated: '));
  t.true(md.includes('- **Are packets dropped, and where?** **YES**: traefik-to-portainer is dropped: '));
  t.true(md.includes('- Decided by: `firewall/1001.fw:4` (policy) `policy_in: DROP`'));
});

test('findings table with counts from the summary', (t) => {
  const md = renderMarkdown(seed);
  const n = seed.summary;
  t.true(
    md.includes(
      `## Findings (${n.critical} critical, ${n.high} high, ${n.medium} medium, ${n.low} low, ${n.info} info)`,
    ),
  );
  t.true(md.includes('| Severity | Finding | Subject | Check | Id |'));
  const first = seed.findings[0];
  t.true(md.includes(`| High | ${first?.title} | \`${first?.subject}\` | \`${first?.checkId}\` | \`${first?.id}\` |`));
});

test('remediation in runbook order with fenced commands and a diff block', (t) => {
  const md = renderMarkdown(seed);
  t.true(md.includes('### 1. A rule for guest traffic sits in cluster.fw, where it never applies to guests (high)'));
  t.true(md.includes('```diff\n--- a/firewall/1001.fw\n+++ b/firewall/1001.fw\n@@ -3,3 +3,5 @@\n enable: 1'));
  t.true(md.includes('+IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.101 -dport 443 # traefik -> portainer\n```'));
  t.true(
    md.includes(
      'Verify:\n\n```sh\npve-firewall simulate --from ct102 --to vm1001 --dport 443 --source 10.0.0.12 --dest 10.0.0.101 ',
    ),
  );
  t.true(md.indexOf('### 1.') < md.indexOf('### 2.'));
});

test('guests, flows with the plain sentence, and evidence as a sha256 list without the content', (t) => {
  const md = renderMarkdown(seed);
  t.true(
    // unfiltered: no chain exists, so no policy applies to it
    md.includes(
      '| CT 101 monitoring | 10.0.0.11 | on | no .fw file | net0 off | n/a (no chain) | unfiltered (broken at Guest) |',
    ),
  );
  const syns = seed.flows.find((f) => f.name === 'traefik-to-portainer')?.observed?.capture?.syn;
  t.true(md.includes(`- traefik-to-portainer: ${syns} connection attempts 1 s apart; no answer came back.`));
  const cluster = seed.evidence[0];
  t.true(md.includes(`| 1 | \`${cluster?.path}\` | 0 | \`${cluster?.sha256}\` |`));
  t.false(md.includes('IN SSH(ACCEPT) -source 198.18.0.0/15 # admin workstations'), 'no evidence dump');
  t.true(md.endsWith(`Evidence digest: \`${seed.evidenceDigest}\`\n`));
});

test('markup in report values is neutralised; code fences survive backticks', (t) => {
  const r: Report = structuredClone(seed);
  if (r.findings[0]) {
    r.findings[0].title = '<script>x</script> | *bold* [link](javascript:x) &amp; _em_';
    r.findings[0].remediation.commands = ['echo ```'];
  }
  const md = renderMarkdown(r);
  t.false(md.includes('<script>'));
  t.true(md.includes('&lt;script>x&lt;/script> \\| \\*bold\\* \\[link](javascript:x) &amp;amp; \\_em_'));
  t.true(md.includes('````sh\necho ```\n````'));
});

test('an incomplete report says so with the missing steps', (t) => {
  const md = renderMarkdown(loadReport('nocapture'));
  t.regex(
    md,
    /\| Status \| \*\*INCOMPLETE\*\*: `capture-listening` \(tcpdump is not capturing: tcpdump: vmbr9: No such device/,
  );
});
