import type { Check } from '../assess/define.js';
import cluster_firewall_disabled from './cluster/cluster_firewall_disabled.js';
import flow_observation_disagrees from './flow/flow_observation_disagrees.js';
import flow_probe_fails_past_firewall from './flow/flow_probe_fails_past_firewall.js';
import flow_simulated_mismatch from './flow/flow_simulated_mismatch.js';
import group_reference_case_mismatch from './group/group_reference_case_mismatch.js';
import guest_firewall_disabled from './guest/guest_firewall_disabled.js';
import guest_fwfile_missing from './guest/guest_fwfile_missing.js';
import guest_nic_firewall_off from './guest/guest_nic_firewall_off.js';
import guest_node_elsewhere from './guest/guest_node_elsewhere.js';
import kernel_flow_live_differs from './kernel/kernel_flow_live_differs.js';
import kernel_ruleset_drift from './kernel/kernel_ruleset_drift.js';
import options_line_ignored from './options/options_line_ignored.js';
import policy_value_mismatch from './policy/policy_value_mismatch.js';
import rules_guest_traffic_in_cluster from './rules/rules_guest_traffic_in_cluster.js';
import rules_intended_disabled from './rules/rules_intended_disabled.js';
import rules_intended_missing from './rules/rules_intended_missing.js';
import rules_live_unexpected from './rules/rules_live_unexpected.js';
import rules_parse_error_nftables from './rules/rules_parse_error_nftables.js';
import rules_skipped_by_proxmox from './rules/rules_skipped_by_proxmox.js';
import ruleset_guest_chains_missing from './ruleset/ruleset_guest_chains_missing.js';
import service_changes_pending from './service/service_changes_pending.js';
import service_firewall_not_running from './service/service_firewall_not_running.js';

// The explicit registry: a test asserts it lists every file under src/checks/<area>/.
export const CHECKS: readonly Check[] = [
  cluster_firewall_disabled,
  service_firewall_not_running,
  service_changes_pending,
  ruleset_guest_chains_missing,
  kernel_ruleset_drift,
  kernel_flow_live_differs,
  guest_node_elsewhere,
  guest_fwfile_missing,
  guest_firewall_disabled,
  guest_nic_firewall_off,
  options_line_ignored,
  group_reference_case_mismatch,
  rules_skipped_by_proxmox,
  rules_parse_error_nftables,
  rules_guest_traffic_in_cluster,
  rules_intended_missing,
  rules_intended_disabled,
  rules_live_unexpected,
  policy_value_mismatch,
  flow_simulated_mismatch,
  flow_observation_disagrees,
  flow_probe_fails_past_firewall,
];

export type { Check, CheckResult, Outcome } from '../assess/define.js';
export { defineCheck } from '../assess/define.js';
