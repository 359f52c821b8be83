import { z } from 'zod';

// The judgement as data: every verdict, finding, root cause and answer carries a reason
// `{code, ...params}` from this one closed list (README "Reason codes"). Wording lives in one
// phrasing module (src/phrase); tests and diff compare codes and params, never sentences.
//
// Sections are kept apart so that parallel work (firewall model, kernel walk, probes, checks)
// can extend its own block without touching the others.
export const FIREWALL_REASONS = [
  // what decided a packet in the files' model (src/firewall), one code per branch that can decide
  'rule',
  'policy',
  'cluster-disabled',
  'cluster-fw-missing',
  'host-disabled',
  'guest-no-fwfile',
  'guest-disabled',
  'nic-unfiltered',
  'guest-chains-stopped',
  'blacklist',
  'smurfs',
  'ipfilter',
  'builtin-accept',
  'builtin-drop',
  'bridge-forward',
  // why the rule meant to decide a flow did not (the rule the admin wrote, and what skipped it)
  'rule-disabled',
  'rule-skipped',
  'ipset-no-member',
  'address-mismatch',
  'port-mismatch',
  'rule-other-nic',
  'rule-wrong-direction',
  'rule-wrong-file',
  'rule-shadowed',
  'group-undefined',
  'no-rule',
] as const;

export const KERNEL_REASONS = [
  // kernel (live ruleset): what the kernel's walk decided, and how the kernel parts from the files
  'live-drift', // a rule of an older configuration is still loaded
  'changes-pending',
  'kernel-rule', // {chain, rule, target}: a rule in the live ruleset decided
  'kernel-policy', // {chain, policy, where}: a built-in chain's policy decided
  'kernel-unknown', // {chain, rule, what}: a match or target the walk does not model; never a guess
  'live-differs', // {flow, config, live, chain, rule, drift}: the files and the kernel decide differently
  'hand-added', // {chain, rule}: a rule in a PVE chain that the configuration does not produce
  'live-rule-missing', // {chain, expected}: a rule the configuration produces that the kernel does not hold
  'live-rule-changed', // {chain, rule, expected}: same place, different rule
  'stale-chain', // {chain}: a guest chain the configuration no longer produces
  'chain-missing', // {chain}: a chain the configuration produces that the kernel lacks
  'mac-filtered', // {chain, rule, frame?, handle?}: the source MAC filter drops the frame
  'arp-filtered', // {chain, rule, frame}: ebtables' ARP sender-IP filter (ipfilter-netN) drops an ARP frame
] as const;

export const PROBE_REASONS = [
  // probe / wire: which step of the tried traffic failed, and why
  'probe-ok',
  'dns-failed',
  'service-refused',
  'firewall-reset',
  'syn-unanswered',
  'no-syn-seen',
  'icmp-unreachable',
  'connect-failed',
  'tls-untrusted',
  'tls-failed',
  'http-failed',
  'guest-not-running',
  'probe-not-run',
  'not-simulated',
] as const;

export const CHECK_REASONS = [
  // checks: what a failed or undecided check found (findings[].reason)
  'evidence-missing',
  'not-proxmox',
  'firewall-not-running',
  'chains-missing',
  'guest-elsewhere',
  'option-ignored',
  'nft-parse-error',
  'rule-missing',
  'rule-unexpected',
  'policy-mismatch',
  'flow-not-as-intended',
  'observation-disagrees',
  'check-crashed',
] as const;

export const ANSWER_REASONS = [
  // the three answers, when no finding or flow reason is the answer
  'as-intended',
  'as-generated',
  'compiles-clean',
  'no-intent',
  'flows-pass',
  'flows-accepted',
  'nothing-to-test',
  'nothing-sent',
  'not-collected',
] as const;

export const REASON_CODES = [
  ...FIREWALL_REASONS,
  ...KERNEL_REASONS,
  ...PROBE_REASONS,
  ...CHECK_REASONS,
  ...ANSWER_REASONS,
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
export type ReasonParam = z.infer<typeof ParamSchema>;
export const ReasonSchema = z.object({ code: ReasonCodeSchema }).catchall(ParamSchema);
export type Reason = z.infer<typeof ReasonSchema>;

// Which end of a flow a decision happened on: the source guest's OUT chain, the destination
// guest's IN chain, the node's own chains, or the bridge between them.
export type Side = 'source' | 'destination' | 'node' | 'bridge';

export const reason = (code: ReasonCode, params: Record<string, ReasonParam | undefined> = {}): Reason => {
  const out: Reason = { code };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out[k] = v;
  return out;
};
