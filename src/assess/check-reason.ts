import { type Reason, type ReasonCode, reason } from '../schema/reason.js';
import type { Check, CheckResult } from './define.js';

// The code a failed check stands for, when its result does not name a more specific reason.
const CODE: Record<string, ReasonCode> = {
  cluster_firewall_disabled: 'cluster-disabled',
  service_firewall_not_running: 'firewall-not-running',
  service_changes_pending: 'changes-pending',
  ruleset_guest_chains_missing: 'chains-missing',
  guest_node_elsewhere: 'guest-elsewhere',
  guest_fwfile_missing: 'guest-no-fwfile',
  guest_firewall_disabled: 'guest-disabled',
  guest_nic_firewall_off: 'nic-unfiltered',
  options_line_ignored: 'option-ignored',
  group_reference_case_mismatch: 'group-undefined',
  rules_skipped_by_proxmox: 'rule-skipped',
  rules_parse_error_nftables: 'nft-parse-error',
  rules_guest_traffic_in_cluster: 'rule-wrong-file',
  rules_intended_missing: 'rule-missing',
  rules_intended_disabled: 'rule-disabled',
  rules_live_unexpected: 'rule-unexpected',
  policy_value_mismatch: 'policy-mismatch',
  flow_simulated_mismatch: 'flow-not-as-intended',
  flow_observation_disagrees: 'observation-disagrees',
  flow_probe_fails_past_firewall: 'connect-failed',
  kernel_flow_live_differs: 'live-differs',
  kernel_ruleset_drift: 'live-drift',
};

// The subject says which guest and NIC a result is about: "vm1001", "ct101/net0", "firewall/102.fw".
function subjectParams(subject: string): Record<string, string | number> {
  const g = /^(?:vm|ct)(\d+)(?:\/(net\d+))?/.exec(subject) ?? /^firewall\/(\d+)\.fw$/.exec(subject);
  const out: Record<string, string | number> = { subject };
  if (g?.[1]) out.vmid = Number(g[1]);
  if (g?.[2]) out.nic = g[2];
  if (subject.startsWith('flow/')) out.flow = subject.slice(5);
  if (/\.fw$/.test(subject)) out.file = subject;
  return out;
}

export function checkReason(check: Check, r: CheckResult): Reason {
  if (r.outcome === 'error') {
    const code =
      r.cause === 'not-proxmox' ? 'not-proxmox' : r.cause === 'crashed' ? 'check-crashed' : 'evidence-missing';
    return reason(code, {
      step: r.missingStep ?? null,
      check: check.id,
      ...(r.cause === 'crashed' ? { error: r.detail } : {}),
    });
  }
  if (r.reason) return r.reason;
  const code = CODE[check.id] ?? 'evidence-missing';
  // vars fill remediation prose; only short, word-like values are data worth comparing.
  const data = Object.fromEntries(
    Object.entries(r.vars ?? {})
      .filter(([, v]) => v.length <= 40 && !/\s{1}\S+\s/.test(v))
      // a line number is a number in every reason (README "Reason codes"), not the template's string
      .map(([k, v]) => [k, k === 'line' && /^\d+$/.test(v) ? Number(v) : v]),
  );
  return reason(code, { ...subjectParams(r.subject), ...data, ...(r.rule ? { text: r.rule } : {}) });
}
