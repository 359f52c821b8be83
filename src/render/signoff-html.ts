import type { Report } from '../schema/report.js';
import type { SignatureCheck } from '../schema/signoff.js';
import type { DocumentMeta } from './doc-meta.js';
import { templates } from './templates.js';
import { formatUtc } from './time.js';
import { answersView } from './view-model.js';

export interface SignoffInput {
  report: Report;
  manifestSha256: string;
  checks: readonly SignatureCheck[];
  allowedSigners: string | null; // the file the signers were checked against
  verifiedAt: string;
}

const STATUS: Record<SignatureCheck['status'], { label: string; tone: string }> = {
  good: { label: 'GOOD', tone: 'good' },
  BAD: { label: 'BAD', tone: 'bad' },
  'unknown signer': { label: 'UNKNOWN SIGNER', tone: 'bad' },
};

export function signoffMeta(report: Report): DocumentMeta {
  const id = report.id ?? report.startedAt;
  return {
    title: `Sign-off: firewall audit ${report.host.name}, ${formatUtc(report.startedAt)}`,
    author: `${report.tool.name} ${report.tool.version}`,
    subject: `Sign-off sheet of report ${id}`,
    headerLeft: report.host.name,
    headerRight: `Sign-off, report ${id}`,
  };
}

// One page for the ticket: which report, its digests, the three answers and each checked signature.
export function renderSignoffHtml(s: SignoffInput): string {
  const t = templates();
  const r = s.report;
  return t.signoff({
    css: t.css,
    meta: signoffMeta(r),
    host: r.host.name,
    reportId: r.id ?? 'n/a',
    started: formatUtc(r.startedAt),
    status: r.status,
    evidenceDigest: r.evidenceDigest ?? 'not recorded',
    manifestSha256: s.manifestSha256,
    answers: answersView(r),
    rootCause: r.rootCause?.summary ?? 'none',
    signatures: s.checks.map((c) => ({
      ...STATUS[c.status],
      name: c.name ?? 'unnamed',
      role: c.role ?? 'not stated',
      when: c.signedAt ? formatUtc(c.signedAt) : 'not stated',
      fingerprint: c.fingerprint ?? 'n/a',
      problem: c.problem,
    })),
    none: s.checks.length === 0,
    checkedAgainst: s.allowedSigners
      ? `signers checked against ${s.allowedSigners}`
      : 'signers NOT checked (no allowed_signers file given): a good signature only proves the key signed',
    verifiedAt: formatUtc(s.verifiedAt),
  });
}
