import test from 'ava';
import { renderMarkdown } from '../../src/render/markdown.js';
import type { Report } from '../../src/schema/report.js';
import { loadReport } from './fixture.js';

const seed = loadReport('seed');

test('title, status, the three answers and the root cause', (t) => {
  const md = renderMarkdown(seed);
  t.true(md.startsWith('# Firewall audit: pve1, 2026-11-25 18:49:00 UTC\n'));
  t.true(md.includes('| Status | **complete** |'));
  t.true(md.includes('- **Are the correct rules loaded on the host?** **NO**: '));
  t.true(md.includes('- **Are packets dropped, and where?** **YES**: '));
  t.true(md.includes('- Decided by: `firewall/1001.fw:3` (policy) `policy_in: DROP`'));
});

test('findings table with counts from the summary', (t) => {
  const md = renderMarkdown(seed);
  t.true(md.includes('## Findings (1 critical, 1 high, 1 medium, 1 low, 1 info)'));
  t.true(md.includes('| Severity | Finding | Subject | Check | Id |'));
  t.regex(md, /\| Critical \| The rule for Traefik -> Portainer:443 is in cluster\.fw, not in 1001\.fw \| `vm1001` \|/);
});

test('remediation in runbook order with fenced commands and a diff block', (t) => {
  const md = renderMarkdown(seed);
  t.true(md.includes('### 1. The rule for Traefik -> Portainer:443'));
  t.true(md.includes('```diff\n--- a/firewall/1001.fw\n+++ b/firewall/1001.fw\n@@ -1,3 +1,6 @@\n [OPTIONS]'));
  t.true(md.includes('+IN ACCEPT -source 10.0.0.12 -p tcp -dport 443 # traefik (ct 102) -> portainer https\n```'));
  t.true(md.includes('Verify:\n\n```sh\npve-firewall simulate --from ct102 --to vm1001 --dport 443\n'));
  t.true(md.indexOf('### 1.') < md.indexOf('### 2.'));
  t.true(md.includes('No action needed:\n\n- The capture on vmbr0'));
});

test('guests, flows with the plain sentence, and evidence as a sha256 list without the content', (t) => {
  const md = renderMarkdown(seed);
  t.true(
    // unfiltered: no chain exists, so no policy applies to it
    md.includes('| CT 101 nginx | 10.0.0.11 | on | on | net0 off | n/a (no chain) | unfiltered (broken at NIC net0) |'),
  );
  t.true(md.includes('- traefik-to-portainer: 3 connection attempts 1 s apart; no answer came back.'));
  const cluster = seed.evidence[0];
  t.true(md.includes(`| 1 | \`${cluster?.path}\` | 0 | \`${cluster?.sha256}\` |`));
  t.false(md.includes('IN SSH(ACCEPT) -source 10.0.0.0/24 # admin ssh'), 'no evidence dump');
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
  const md = renderMarkdown(loadReport('seed-incomplete'));
  t.regex(md, /\| Status \| \*\*INCOMPLETE\*\*: `capture-vmbr0` \(tcpdump exited 1/);
  t.true(md.includes('**UNKNOWN**'));
});
