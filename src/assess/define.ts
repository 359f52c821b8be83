import type { LoadedIntent } from '../intent/schema.js';
import { NO_INTENT_STEP } from '../phrase/notes.js';
import type { Severity } from '../schema/common.js';
import type { Facts } from '../schema/facts.js';
import { type Reason, reason } from '../schema/reason.js';
import type { CheckContext } from './context.js';
import type { Fix } from './fix/types.js';

// A check is data plus a pure function (STYLE.md §3.1): the registry and the report read the data,
// analyse() calls evaluate() with the parsed facts and the intent.

export type Outcome = 'pass' | 'fail' | 'error' | 'not_applicable';
export type Need = keyof Facts | 'intent';

// Another check's finding that already reports this problem, with its fix (same id inputs).
export interface Explained {
  checkId: string;
  subject: string;
  rule?: string;
}

export interface CheckResult {
  outcome: Outcome;
  subject: string; // what it is about: "vm1001", "ct101/net0", "firewall/cluster.fw"
  detail: string; // one sentence saying what was found
  // The rule text this result is about, normalised; part of the finding id.
  rule?: string;
  evidence?: string[]; // paths in evidence/ (pve/firewall/1001.fw, commands/...)
  vars?: Record<string, string>; // fills the check's remediation template
  fix?: Fix | Fix[]; // several when one mismatch needs edits in two places (add here, remove there)
  verify?: string[];
  phoenix?: string | null; // what to change in the Phoenix JSON, or why no JSON change helps
  // What re-running the audit shows once this is fixed, when it is not simply "this finding gone".
  rerunExpect?: string;
  severity?: Severity; // overrides the check's default for this result
  missingStep?: string; // error outcome: the evidence step that could not be collected
  // error outcome: why, when it is not simply missing evidence (set by analyse/run-checks.ts)
  cause?: 'not-proxmox' | 'crashed';
  // A fail that is a consequence of another check's failure: analyse() reports it once, there.
  explainedBy?: Explained;
  // The finding as data (README "Reason codes"); without it the check's own code is used (check-reason.ts).
  reason?: Reason;
}

export interface Check {
  id: string;
  title: string; // the secure condition, not "Ensure ..." (what was verified, shown for passed checks)
  problem: string; // the finding title: the problem found when the check fails, never the expectation
  severity: Severity;
  needs: readonly Need[];
  remediation: string; // template with {placeholders} filled from CheckResult.vars
  evaluate(ctx: CheckContext): CheckResult[];
}

export const defineCheck = (check: Check): Check => check;

// The step that failed for a fact, so "could not tell" names it; null when the fact is present.
export function missingFact(ctx: { facts: Facts; intent: LoadedIntent | null }, need: Need): string | null {
  if (need === 'intent') return ctx.intent ? null : NO_INTENT_STEP;
  if (need === 'pve') return pveUnavailable(ctx.facts);
  if (ctx.facts[need] !== null) return null;
  return missingStep(ctx.facts, STEP_FOR[need] ?? [need]);
}

// Names the collection step behind a missing piece of evidence, with the reason it failed.
export function missingStep(facts: Facts, candidates: readonly string[]): string {
  const failed = facts.missing.find((m) =>
    candidates.some((c) => m.step === c || m.step.includes(c) || m.reason.includes(c)),
  );
  return failed ? `${failed.step} (${failed.reason})` : `${candidates[0] ?? 'unknown'} (not collected)`;
}

// The /etc/pve tree and the guest list are only collected once the node proved to be Proxmox
// (pct list and qm list ran): otherwise an empty tree means "not looked at", not "not configured".
// Not being a Proxmox node is a typed fact (facts.platform, from `pct list`'s exit code), not a
// reading of an error message.
export interface PveGap {
  step: string;
  text: string; // "pct-list (why it failed)", for could-not-tell wording
  notProxmox: boolean;
  exitCode: number | null;
}

export function pveGap(facts: Facts): PveGap | null {
  const failed = (step: string) => facts.missing.find((m) => m.step === step);
  const text = (step: string, fallback: string) => `${step} (${failed(step)?.reason ?? fallback})`;
  if (facts.platform.proxmox === 'no') {
    const step = facts.platform.step ?? 'pct-list';
    const exitCode = facts.platform.exitCode;
    return { step, text: text(step, `exit ${exitCode ?? '?'}`), notProxmox: true, exitCode };
  }
  const pct = failed('pct-list');
  if (!pct || !failed('qm-list')) return null;
  return { step: pct.step, text: text(pct.step, 'failed'), notProxmox: false, exitCode: null };
}

export function pveUnavailable(facts: Facts): string | null {
  return pveGap(facts)?.text ?? null;
}

// The answer to "why could this not be judged" when the Proxmox configuration is missing.
export function pveGapReason(gap: PveGap): Reason {
  return gap.notProxmox
    ? reason('not-proxmox', { step: gap.step, exitCode: gap.exitCode })
    : reason('not-collected', { step: gap.text });
}

const STEP_FOR: Partial<Record<keyof Facts, string[]>> = {
  status: ['pve-firewall-status'],
  localnet: ['pve-firewall-localnet'],
  ruleset: ['iptables-save', 'nft-list-ruleset'],
};

export function fillTemplate(template: string, vars: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);
}
