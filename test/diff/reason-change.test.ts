import { readFileSync } from 'node:fs';
import test from 'ava';
import { diffReports } from '../../src/diff/index.js';
import { renderDiffMarkdown } from '../../src/diff/markdown.js';
import { renderDiffHtml } from '../../src/render/diff-html.js';
import { ReportDiffSchema } from '../../src/schema/diff.js';
import type { Reason } from '../../src/schema/reason.js';
import { type Report, ReportSchema } from '../../src/schema/report.js';

// Same verdict, another reason: the diff says the reason changed (as data) and shows the two
// reasons instead of printing one verdict twice ("DROP at 1001.fw:4 -> DROP at 1001.fw:4").

const seed = (): Report =>
  ReportSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/report/seed/report.json', import.meta.url), 'utf8')));

const POLICY: Reason = {
  code: 'policy',
  file: 'firewall/1001.fw',
  line: 4,
  key: 'policy_in',
  policy: 'DROP',
  action: 'DROP',
  side: 'destination',
};
const WRONG_FILE: Reason = {
  code: 'rule-wrong-file',
  file: 'firewall/cluster.fw',
  line: 12,
  text: 'IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.101 -dport 443',
  vmid: 1001,
  direction: 'IN',
};
const NO_MEMBER: Reason = {
  code: 'ipset-no-member',
  file: 'firewall/1001.fw',
  line: 6,
  text: 'IN ACCEPT -source +traefik -p tcp -dport 443',
  ipset: 'traefik',
  address: '10.0.0.12',
  role: 'source',
};

function pair(): [Report, Report] {
  const with_ = (miss: Reason, answerReason: Reason): Report => {
    const r = seed();
    r.flows = r.flows.map((f) =>
      f.name === 'traefik-to-portainer' && f.simulated
        ? { ...f, simulated: { ...f.simulated, reason: POLICY, miss } }
        : f,
    );
    r.answers = r.answers.map((a) => (a.question === 'packets-dropped' ? { ...a, reason: answerReason } : a));
    r.findings = r.findings.map((f, i) => (i === 0 ? { ...f, reason: miss } : f));
    return r;
  };
  return [with_(WRONG_FILE, WRONG_FILE), with_(NO_MEMBER, NO_MEMBER)];
}

test('as data: the flow, the answer and the finding carry the reasons that changed', (t) => {
  const [before, after] = pair();
  const d = ReportDiffSchema.parse(diffReports(before, after));
  const flow = d.flows.find((f) => f.name === 'traefik-to-portainer');
  t.like(flow, { change: 'changed', reasonChanged: true });
  t.is(flow?.before?.verdict, flow?.after?.verdict);
  t.like(flow?.before?.simulated?.miss, { code: 'rule-wrong-file', line: 12 });
  t.like(flow?.after?.simulated?.miss, { code: 'ipset-no-member', ipset: 'traefik' });
  t.false(d.flows.filter((f) => f.name !== 'traefik-to-portainer').some((f) => f.reasonChanged));
  const answer = d.answers.find((a) => a.question === 'packets-dropped');
  t.like(answer, { before: 'yes', after: 'yes', changed: true });
  t.is(answer?.beforeReason?.code, 'rule-wrong-file');
  t.is(answer?.afterReason?.code, 'ipset-no-member');
  const persisting = d.findings.persisting.find((p) => p.finding.id === before.findings[0]?.id);
  t.like(persisting, { changed: false, reasonChanged: true, reasonBefore: { code: 'rule-wrong-file' } });
});

test('Markdown and HTML show the reason change, not the same verdict twice', (t) => {
  const [before, after] = pair();
  const d = diffReports(before, after);
  const md = renderDiffMarkdown(d);
  const row = md.split('\n').find((l) => l.startsWith('| traefik-to-portainer |')) ?? '';
  const [, , was, now] = row.replace(/ \|$/, '').split(' | ');
  t.not(was, now);
  t.regex(was ?? '', /^DROP: the rule meant to allow it, firewall\/cluster\.fw line 12/);
  t.regex(now ?? '', /^DROP: .*ipset traefik.* does not contain 10\.0\.0\.12/);
  t.regex(md, /\| packets-dropped \| yes: the rule meant to allow it, .* \| yes: .*ipset traefik/);
  t.regex(
    md,
    /## Changed reason\n\n.*\n.*\n\| .* \| reason was: the rule meant to allow it, .*cluster\.fw.*; now: .*ipset traefik/,
  );
  const html = renderDiffHtml(d);
  t.regex(html, /reason was: the rule meant to allow it/);
  t.regex(html, /<td>DROP: the rule meant to allow it, firewall\/cluster\.fw line 12/);
  // Nothing changed: the plain verdicts, no reason columns.
  const same = renderDiffMarkdown(diffReports(before, before));
  t.false(same.includes('## Changed reason'));
  t.regex(same, /\| packets-dropped \| yes \| yes \|/);
});
