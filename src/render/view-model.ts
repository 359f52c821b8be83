import type { Report } from '../schema/report.js';
import { documentMeta } from './doc-meta.js';
import { answerTone, location, QUESTION_ORDER, QUESTIONS, route, SEVERITY_LABEL, SEVERITY_ORDER } from './labels.js';
import { formatElapsed, formatUtc, formatUtcDate } from './time.js';
import { checksView } from './vm-checks.js';
import { evidenceView, type RenderContext } from './vm-evidence.js';
import { findingsView, remediationView } from './vm-findings.js';
import { flowsView } from './vm-flows.js';
import { guestsView } from './vm-guests.js';

// Every decision the page shows is made here, in TypeScript; the templates only place values.

function titleBlock(report: Report) {
  return {
    host: report.host.name,
    address: report.host.address ?? 'n/a',
    node: report.host.node ?? 'n/a',
    pveVersion: report.host.pveVersion ?? 'unknown',
    started: formatUtc(report.startedAt),
    finished: formatUtc(report.finishedAt),
    elapsed: formatElapsed(report.startedAt, report.finishedAt),
    tool: `${report.tool.name} ${report.tool.version}`,
    reportId: report.id ?? 'n/a',
    intentSource: report.intentSource ?? 'not stated',
    intentFile: report.intentFile
      ? `${report.intentFile.path} (sha256 ${report.intentFile.sha256.slice(0, 12)}${report.intentFile.inEvidence ? ', in the evidence' : ', given at render time, not in the evidence digest'})`
      : null,
    complete: report.status === 'complete',
    statusLabel: report.status === 'complete' ? 'Complete' : 'Incomplete',
    incompleteSteps: report.incompleteSteps,
  };
}

export function answersView(report: Report) {
  return QUESTION_ORDER.map((question) => {
    const a = report.answers.find((x) => x.question === question);
    const answer = a?.answer ?? 'unknown';
    return {
      question: QUESTIONS[question].text,
      answer: a ? answer.toUpperCase() : 'NOT ANSWERED',
      tone: answerTone({ question, answer }),
      because: a?.because ?? 'The analysis did not answer this question.',
    };
  });
}

function rootCauseView(report: Report) {
  const rc = report.rootCause;
  // No root cause: nothing the audit tried or simulated failed (the reports before typed reasons
  // said "None: it works" as a root cause).
  if (!rc)
    return report.outcomes
      ? {
          summary: 'None: nothing the audit tried or simulated fails as it should not.',
          works: true,
          layer: 'none',
          flow: null,
          flowAnchor: null,
          where: null,
          kind: null,
          text: null,
        }
      : null;
  const flow = rc.flow === null ? undefined : report.flows.find((f) => f.id === rc.flow);
  // The analysis says "None: it works" with layer unknown (the contract has no "none" layer).
  const works = /^none\b/i.test(rc.summary);
  return {
    summary: rc.summary,
    works,
    layer: works ? 'none: the probed traffic works' : rc.layer,
    flow: flow ? `${flow.name} (${route(flow)})` : rc.flow,
    flowAnchor: flow ? `flow-${flow.id}` : null,
    where: rc.decidedBy ? location(rc.decidedBy) : null,
    kind: rc.decidedBy?.kind ?? null,
    text: rc.decidedBy?.text ?? null,
  };
}

export function buildViewModel(report: Report, ctx: RenderContext) {
  const meta = documentMeta(report);
  const remediation = remediationView(report);
  const flows = flowsView(report);
  const evidence = evidenceView(report, ctx);
  return {
    meta,
    title: titleBlock(report),
    answers: answersView(report),
    severities: SEVERITY_ORDER.map((s) => ({
      severity: s,
      label: SEVERITY_LABEL[s],
      count: report.summary[s],
      zero: report.summary[s] === 0,
    })),
    rootCause: rootCauseView(report),
    checks: checksView(report),
    findingGroups: findingsView(report, remediation.stepOf),
    hasFindings: report.findings.length > 0,
    remediation: { steps: remediation.steps, notes: remediation.notes },
    guests: guestsView(report.guests),
    flows,
    evidence: evidence.filter((e) => !e.empty),
    // empty outputs (mostly stderr) get one table row each instead of a page of headings
    emptyEvidence: evidence.filter((e) => e.empty),
    issues: report.issues ?? [],
    signOff: {
      digest: report.evidenceDigest ?? 'not recorded',
      reportId: report.id ?? 'n/a',
      runDate: formatUtcDate(report.startedAt),
      tool: `${report.tool.name} ${report.tool.version}`,
      schemaVersion: report.schemaVersion,
    },
  };
}

export type ViewModel = ReturnType<typeof buildViewModel>;
