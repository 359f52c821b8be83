import type { CheckContext } from '../assess/context.js';
import { guestIp, guestType, knownVmids } from '../assess/lib/guests.js';
import type { Guest } from '../schema/report.js';

// The per-guest chain of switches (cluster -> .fw -> enable -> NIC), with the first broken link.
export function buildGuests(ctx: CheckContext): Guest[] {
  return knownVmids(ctx).map((vmid) => {
    const config = ctx.facts.pve.guests[String(vmid)];
    const state = ctx.guestState(vmid);
    const ip = guestIp(ctx, vmid);
    return {
      vmid,
      type: guestType(ctx, vmid) ?? 'qemu',
      name: config?.name ?? ctx.intent?.intent.guests?.find((g) => g.vmid === vmid)?.name ?? null,
      ips: ip ? [ip] : [],
      firewall: {
        cluster: state.cluster,
        guestEnable: state.guestEnable,
        nics: state.nics,
        effective: state.effective,
        brokenLink: state.brokenLink,
        policyIn: state.policyIn,
        policyOut: state.policyOut,
        fwFile: state.fwFile,
      },
    };
  });
}
