import test from 'ava';
import { renderHtml } from '../../src/render/html.js';
import type { Report } from '../../src/schema/report.js';
import { loadContext, loadReport } from './fixture.js';

const seed = loadReport('seed');
const ctx = loadContext(seed);

test('the same report renders byte-identical HTML twice', (t) => {
  const a = renderHtml(seed, ctx);
  const b = renderHtml(structuredClone(seed), { evidenceText: { ...ctx.evidenceText } });
  t.true(a.length > 10_000);
  t.is(a, b);
});

test('sections appear in the contract order', (t) => {
  const html = renderHtml(seed, ctx);
  const ids = [
    'summary',
    'root-cause',
    'findings',
    'remediation',
    'guests',
    'flows',
    'sequences',
    'evidence',
    'sign-off',
  ];
  const positions = ids.map((id) => html.indexOf(`id="${id}"`));
  t.true(html.indexOf('class="title-block"') < (positions[0] ?? 0));
  for (const [i, p] of positions.entries()) t.true(p > 0, `section ${ids[i]} is present`);
  t.deepEqual(
    [...positions].sort((x, y) => x - y),
    positions,
  );
});

test('title block: host, node, PVE version, UTC times, tool version, status and report id', (t) => {
  const html = renderHtml(seed, ctx);
  const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  for (const s of [
    '>pve<',
    'pve-manager/8.2.4/faa83925c9641325',
    utc(seed.startedAt),
    utc(seed.finishedAt ?? ''),
    `pveaudit ${seed.tool.version}`,
    seed.id ?? 'no report id',
    'status-complete',
  ]) {
    t.true(html.includes(s), s);
  }
});

test('executive summary answers all three questions with their reasons', (t) => {
  const html = renderHtml(seed, ctx);
  t.true(html.includes('Are the correct rules loaded on the host?'));
  t.true(html.includes('Are the guest firewalls enabled as intended?'));
  t.true(html.includes('Are packets dropped, and where?'));
  t.true(html.includes('answer ans-bad'));
  const syns = seed.flows.find((f) => f.name === 'traefik-to-portainer')?.observed?.capture?.syn;
  t.true(html.includes(`the capture shows ${syns} SYNs with no reply`));
});

test('severity counts come from report.summary, never recounted', (t) => {
  const r = structuredClone(seed);
  r.summary.critical = 7;
  const html = renderHtml(r, ctx);
  t.regex(html, /sev-critical"><span class="sev-count">7</);
  t.regex(html, /Critical <span class="count">\(7\)</);
});

test('remediation: copyable commands, coloured patch lines, verify commands and the Phoenix note', (t) => {
  const html = renderHtml(seed, ctx);
  t.true(
    html.includes(
      '<span class="d d-add">+IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.101 -dport 443 # traefik -&gt; portainer</span>',
    ),
  );
  t.true(html.includes('<span class="d d-file">--- a/firewall/1001.fw</span>'));
  t.regex(
    html,
    /<pre class="code cmd verify">pve-firewall simulate --from ct102 --to vm1001 --dport 443 --source 10\.0\.0\.12 --dest 10\.0\.0\.101 /,
  );
  t.true(html.includes('phoenix_vm_configs.json'));
  t.true(html.indexOf('Step 1</span>') < html.indexOf('Step 2</span>'));
});

test('guests, flows and the packet-sequence picture with its plain sentence', (t) => {
  const html = renderHtml(seed, ctx);
  t.true(html.includes('chain broken here'));
  t.true(html.includes('aria-label="Flow matrix'));
  t.true(html.includes('no SYN-ACK came back'));
  t.true(html.includes('3 connection attempts 1 s apart; no answer came back.'));
});

test('evidence appendix: metadata and the output itself, wrapped; binary files are not dumped', (t) => {
  const html = renderHtml(seed, ctx);
  const cluster = seed.evidence.find((e) => e.path === 'pve/firewall/cluster.fw');
  t.true(html.includes(cluster?.sha256 ?? 'missing'));
  t.true(html.includes('<pre class="output">[OPTIONS]\nenable: 1\npolicy_in: DROP'));
  t.true(html.includes('Binary file, not shown'));
  t.regex(html, /pre \{[^}]*white-space: pre-wrap; overflow-wrap: anywhere;/);
  t.true(html.includes(seed.evidenceDigest ?? 'missing'));
  t.true(html.includes('Prepared by') && html.includes('Reviewed by') && html.includes('Signature'));
});

test('hostile strings are escaped everywhere, including inside SVG', (t) => {
  const r: Report = structuredClone(seed);
  const evil = '<script>alert(1)</script>';
  const flow = r.flows[0];
  if (flow?.simulated) flow.simulated.decidedBy.text = `IN ACCEPT -p tcp -dport 443 # ${evil}`;
  if (r.rootCause?.decidedBy) r.rootCause.decidedBy.text = `IN DROP # ${evil}`;
  if (r.guests[0]) r.guests[0].name = `<img src=x onerror=alert(1)>`;
  if (r.findings[0]) r.findings[0].title = `"><svg onload=alert(1)>`;
  if (flow) flow.name = `a"><script>x()</script>`;
  const html = renderHtml(r, { evidenceText: { ...ctx.evidenceText, 'pve/firewall/cluster.fw': `</pre>${evil}` } });
  t.false(html.includes('<script'));
  t.false(html.includes('<img'));
  t.false(html.includes('<svg onload'));
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  t.true(html.includes('CT 101 &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</strong>'), 'guest table, via Handlebars');
  t.true(html.includes('<title>Firewall switches for CT 101 &lt;img src=x onerror=alert(1)&gt;</title>'), 'inside SVG');
});

test('self-contained: no external resource, no script, no stylesheet link', (t) => {
  const html = renderHtml(seed, ctx);
  t.false(/<link\b/i.test(html));
  t.false(/<script\b/i.test(html));
  t.false(/\bsrc\s*=/i.test(html));
  t.false(/url\(/i.test(html));
  t.false(/@import/i.test(html));
  t.false(/(href|src)\s*=\s*"https?:/i.test(html));
  // The only URLs are report content (the probed https URL), never a resource.
  const urls = html.match(/https?:\/\/[^\s"<]+/g) ?? [];
  t.true(urls.every((u) => u.startsWith('https://portainer.internal.thinkheads.ai')));
});

test('the incomplete variant shows the badge, each missing step and why', (t) => {
  const r = loadReport('nocapture');
  const html = renderHtml(r, loadContext(r, 'nocapture'));
  t.true(html.includes('status-incomplete'));
  t.true(html.includes('This audit is incomplete.'));
  for (const s of r.incompleteSteps) t.true(html.includes(`<code>${s.step}</code>`), s.step);
  t.true(html.includes('vmbr9: No such device exists'));
  t.false(html.includes('id="sequences"'));
});

test('a report with nothing in it still renders every section', (t) => {
  const r: Report = {
    ...structuredClone(seed),
    guests: [],
    flows: [],
    findings: [],
    evidence: [],
    rootCause: null,
    answers: [],
  };
  delete r.outcomes; // no check ran either: nothing says the traffic works
  const html = renderHtml(r, { evidenceText: {} });
  t.true(html.includes('The analysis did not determine a root cause.'));
  t.true(html.includes('No guests in this report.'));
  t.true(html.includes('NOT ANSWERED'));
});

test('a root cause of "None: it works" is shown as such, not as an unknown failure', (t) => {
  const ok: Report = structuredClone(seed);
  ok.rootCause = {
    summary: 'None: it works. traefik-to-portainer connected.',
    layer: 'unknown',
    flow: null,
    decidedBy: null,
  };
  const html = renderHtml(ok, ctx);
  t.regex(html, /class="root-summary root-ok"/);
  t.regex(html, /<th>Layer<\/th><td>none: the probed traffic works<\/td>/);
  t.notRegex(renderHtml(seed, ctx), /class="root-summary root-ok"/);
});

test('each flow says which of intent, config and wire agree, and when nothing was observed', (t) => {
  const r: Report = structuredClone(seed);
  const [probed, unprobed] = r.flows;
  probed!.agreement = 'partial';
  probed!.observed = probed!.observed ?? { capture: null, probe: null };
  probed!.observed.probe = { exitCode: 28, phase: 'connect', httpStatus: null, verdict: 'timeout' };
  unprobed!.observed = null;
  const html = renderHtml(r, ctx);
  t.true(html.includes('config and wire agree; the intent differs'));
  t.true(html.includes('not observed on the wire'));
  t.false(html.includes('config vs wire:'));
});

test('empty outputs are listed in one table instead of one block each', (t) => {
  const path = seed.evidence[0]!.path;
  const html = renderHtml(seed, { evidenceText: { ...ctx.evidenceText, [path]: '' } });
  const table = /<table class="data ev-empty">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  t.true(table.includes(`<code>${path}</code>`));
  t.false(html.includes(`<h3><span class="ev-no">E1</span>`), 'no block of its own');
  // the lab run's own empty outputs (stderr of commands that succeeded) are in the table, and only they
  const real = /<table class="data ev-empty">([\s\S]*?)<\/table>/.exec(renderHtml(seed, ctx))?.[1] ?? '';
  for (const e of seed.evidence) t.is(real.includes(`<code>${e.path}</code>`), e.bytes === 0, e.path);
});
