import type { Because } from '../../phrase/because.js';
import type { IntentGuest } from '../../schema/intent.js';
import type { GuestConfig } from '../../schema/pve.js';
import type { CheckContext } from '../context.js';
import { memo } from './memo.js';

// Naming and addressing of guests, shared by checks and the analysis.

export const zoneOf = (vmid: number, type: 'lxc' | 'qemu' | undefined): string =>
  `${type === 'lxc' ? 'ct' : 'vm'}${vmid}`;
export const labelOf = (vmid: number, type: 'lxc' | 'qemu' | undefined): string =>
  `${type === 'lxc' ? 'CT' : 'VM'} ${vmid}`;
export const deviceOf = (vmid: number, type: 'lxc' | 'qemu', nicIndex: number): string =>
  `${type === 'lxc' ? 'veth' : 'tap'}${vmid}i${nicIndex}`;

export function guestType(ctx: CheckContext, vmid: number): 'lxc' | 'qemu' | undefined {
  return ctx.facts.pve.guests[String(vmid)]?.type ?? ctx.intent?.intent.guests?.find((g) => g.vmid === vmid)?.type;
}

export const guestZone = (ctx: CheckContext, vmid: number): string => zoneOf(vmid, guestType(ctx, vmid));
export const guestLabel = (ctx: CheckContext, vmid: number): string => labelOf(vmid, guestType(ctx, vmid));

const hostPart = (cidr: string | null | undefined): string | null => {
  const ip = cidr?.split('/')[0];
  return ip && /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip : null;
};

// The guest's IPv4 address: LXC ip=, QEMU ipconfig0 (parsed into net.ip), else the intent's.
export function guestIp(ctx: CheckContext, vmid: number): string | null {
  const g: GuestConfig | undefined = ctx.facts.pve.guests[String(vmid)];
  for (const net of g?.nets ?? []) {
    const ip = hostPart(net.ip);
    if (ip) return ip;
  }
  const ipconfig = g?.props.ipconfig0 && /(?:^|,)ip=([^,]+)/.exec(g.props.ipconfig0)?.[1];
  return (
    hostPart(ipconfig) ??
    hostPart(ctx.intent?.intent.guests?.find((x) => x.vmid === vmid)?.ip) ??
    hostPart(ctx.intent?.phoenix?.guestIps[String(vmid)])
  );
}

// vmids the audit is about: the intent's guests, the requested ones and those on the node.
export function knownVmids(ctx: CheckContext): number[] {
  return memo(ctx, 'knownVmids', () => computeKnownVmids(ctx));
}

function computeKnownVmids(ctx: CheckContext): number[] {
  const ids = new Set<number>([...ctx.facts.guestsRequested, ...Object.keys(ctx.facts.pve.guests).map(Number)]);
  for (const g of ctx.intent?.intent.guests ?? []) ids.add(g.vmid);
  return [...ids].sort((a, b) => a - b);
}

export function ipToZone(ctx: CheckContext, ip: string): string | null {
  if (ctx.facts.pve.hostIp === ip || ctx.facts.localnet?.nodeIp === ip) return 'host';
  const vmid = vmidOfIp(ctx, ip);
  return vmid === null ? null : guestZone(ctx, vmid);
}

// The first known guest (lowest vmid) with this IPv4 address, from an index built once.
export function vmidOfIp(ctx: CheckContext, ip: string | null): number | null {
  if (!ip) return null;
  const index = memo(ctx, 'vmidByIp', () => {
    const byIp = new Map<string, number>();
    for (const vmid of knownVmids(ctx)) {
      const own = guestIp(ctx, vmid);
      if (own !== null && !byIp.has(own)) byIp.set(own, vmid);
    }
    return byIp;
  });
  return index.get(ip) ?? null;
}

export function zoneToIp(ctx: CheckContext, zone: string): string | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(zone)) return zone;
  if (zone === 'host') return ctx.facts.pve.hostIp ?? ctx.facts.localnet?.nodeIp ?? null;
  const m = /^(?:ct|vm)(\d+)$/.exec(zone);
  return m ? guestIp(ctx, Number(m[1])) : null;
}

export const intendedGuests = (ctx: CheckContext): IntentGuest[] => ctx.intent?.intent.guests ?? [];

export const evidenceOf = (path: string): string =>
  /^(firewall|nodes|corosync|local|sdn)\b/.test(path) ? `pve/${path}` : path;

export const fwPath = (vmid: number): string => `firewall/${vmid}.fw`;

// Guests meant to be filtered: the intent's enable: true, or without an intent, guests whose own
// configuration shows the wish (a .fw file with rules, or a NIC with firewall=1).
export function firewallIntended(ctx: CheckContext): { vmid: number; because: Because }[] {
  if (ctx.intent) {
    return intendedGuests(ctx)
      .filter((g) => g.firewall?.enable === true)
      .map((g) => ({
        vmid: g.vmid,
        because:
          ctx.intent?.source === 'phoenix'
            ? { by: 'phoenix-enabled' as const }
            : { by: 'intent-enables' as const, file: ctx.intent?.file.split('/').pop() ?? '' },
      }));
  }
  const out: { vmid: number; because: Because }[] = [];
  for (const vmid of knownVmids(ctx)) {
    const fw = ctx.facts.pve.guestFw[String(vmid)];
    const nicOn = ctx.facts.pve.guests[String(vmid)]?.nets.some((n) => n.firewall);
    if (fw && fw.rules.length > 0) out.push({ vmid, because: { by: 'fw-rules', vmid, count: fw.rules.length } });
    else if (nicOn) out.push({ vmid, because: { by: 'nic-flag' } });
  }
  return out;
}

// The failed collection step that explains why a file is absent, or null if it was simply not there.
export function fileMissingStep(ctx: CheckContext, path: string): string | null {
  const base = path.split('/').pop() ?? path;
  const m = ctx.facts.missing.find((x) => x.step.includes(base) || x.reason.includes(path) || x.reason.includes(base));
  return m ? `${m.step} (${m.reason})` : null;
}
