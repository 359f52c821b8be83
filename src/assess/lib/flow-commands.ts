import type { CheckContext } from '../context.js';
import { simulateCommand } from './commands.js';
import { deviceOf, guestType, guestZone, zoneToIp } from './guests.js';

// Proof for a guest-level fix: the intended flows that touch the guest, else its chain in the live ruleset.
export function simulateFromIntent(ctx: CheckContext, vmid: number): string[] {
  const zone = guestZone(ctx, vmid);
  const ip = zoneToIp(ctx, zone);
  const flows = (ctx.intent?.intent.flows ?? []).filter(
    (f) => f.from === zone || f.to === zone || (ip !== null && (f.from === ip || f.to === ip)),
  );
  const commands = flows.map((f) => `${simulateCommand(ctx, f)}   # expect ${f.expect}`);
  const type = guestType(ctx, vmid);
  if (type) commands.push(`iptables-save | grep -c -- '-j ${deviceOf(vmid, type, 0)}-IN'   # expect 1 or more`);
  return commands;
}
