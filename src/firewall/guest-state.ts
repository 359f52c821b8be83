import { OPTION_DEFAULTS } from '../parse/fw-options.js';
import type { Action } from '../schema/common.js';
import type { GuestFirewallState } from '../schema/pve.js';
import type { FirewallModel } from './types.js';

// Is the guest filtered at all? Walks cluster -> node -> guest .fw -> guest enable -> NIC flags
// and names the first broken link.
export function guestFirewallState(model: FirewallModel, vmid: number): GuestFirewallState {
  const g = model.guests.get(vmid);
  const fw = model.cfg.guestFw[String(vmid)] ?? null;
  const hasFw = g ? g.hasFw : fw !== null && (Object.keys(fw.options).length > 0 || fw.rules.length > 0);
  const guestEnable = (fw?.options.enable?.value ?? OPTION_DEFAULTS.guest.enable) === '1';
  const nics: Record<string, boolean> = {};
  for (const nic of g?.nics.values() ?? []) nics[`net${nic.index}`] = nic.firewall;
  const effective = g ? [...g.nics.values()].some((n) => n.chains !== null) : false;
  const brokenLink: GuestFirewallState['brokenLink'] = !model.clusterEnabled
    ? 'cluster-disabled'
    : !g
      ? 'not-on-node'
      : !hasFw
        ? 'no-fw-file'
        : !guestEnable
          ? 'guest-disabled'
          : !Object.values(nics).some(Boolean)
            ? 'nic-firewall-off'
            : null;
  const policy = (key: string) => (fw?.options[key]?.value ?? OPTION_DEFAULTS.guest[key]) as Action;
  return {
    vmid,
    cluster: model.clusterEnabled,
    guestEnable,
    fwFile: hasFw,
    onNode: g !== undefined,
    nics,
    effective,
    brokenLink,
    policyIn: policy('policy_in'),
    policyOut: policy('policy_out'),
  };
}
