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
  // kernel (live ruleset): what the kernel's walk decided, and how the kernel parts from the files
  'live-drift',
  'changes-pending',
  'kernel-rule', // {chain, rule, target}: a rule in the live ruleset decided
  'kernel-policy', // {chain, policy}: a built-in chain's policy decided
  'kernel-unknown', // {chain, rule, what}: a match or target the walk does not model; never a guess
  'kernel-not-collected', // {step}: no live ruleset to walk
  'live-differs', // {flow, config, live, chain, rule}: the files and the kernel decide differently
  'hand-added', // {chain, rule}: a rule in a PVE chain that the configuration does not produce
  'rule-missing', // {chain}: a rule the configuration produces that the kernel does not hold
  'rule-changed', // {chain, rule}: same place, different rule
  'stale-chain', // {chain}: a guest chain the configuration no longer produces
  'chain-missing', // {chain}: a guest chain the configuration produces that the kernel lacks
  'mac-filtered', // {chain, rule, mac}: the source MAC filter drops the frame
  'counters-ambiguous', // {rule, packets, expected}: more packets than the probe sent
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
