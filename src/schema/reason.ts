import { z } from 'zod';

// The judgement as data: every verdict, finding, root cause and answer carries a reason
// `{code, ...params}` from this one closed list (README "Reason codes"). Wording lives in one
// phrasing module; tests and diff compare codes and params, never sentences.
//
// Sections are kept apart so that parallel work (firewall model, kernel walk, probes, checks)
// can extend its own block without touching the others.
export const REASON_CODES = [
  // firewall model (files): what decided or skipped a rule
  'rule',
  'policy',
  'rule-disabled',
  'ipset-no-member',
  'group-undefined',
  'nic-unfiltered',
  'guest-disabled',
  'cluster-disabled',
  // kernel (live ruleset)
  'live-drift',
  'changes-pending',
  // probe / wire
  'dns-failed',
  'service-refused',
  'tls-untrusted',
  'guest-not-running',
] as const;

export const ReasonCodeSchema = z.enum(REASON_CODES);
export type ReasonCode = z.infer<typeof ReasonCodeSchema>;

// Params are flat scalars (or lists of them) so a diff can compare them and a phrase can name them.
const ParamSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number()])),
]);
export const ReasonSchema = z.object({ code: ReasonCodeSchema }).catchall(ParamSchema);
export type Reason = z.infer<typeof ReasonSchema>;
