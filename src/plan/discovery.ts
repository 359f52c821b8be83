import { HOSTNAME_RE, VMID_RE } from '../schema/audit.js';
import type { Discovery } from './types.js';

// Reads the first phase's outputs into what the rest of the plan needs. Pure and total: odd output
// yields fewer guests, never an exception. A node name that could not be read yields null.

// Proxmox's node name is the hostname up to the first dot (PVE::INotify::nodename).
export function nodeName(hostnameOut: string): string | null {
  const name = hostnameOut.trim().split('.')[0] ?? '';
  return HOSTNAME_RE.test(name) ? name : null;
}

// `pct list` and `qm list` print a header, then one guest per line; the vmid is the first number.
export function listedVmids(out: string): number[] {
  const ids: number[] = [];
  for (const line of out.split('\n').slice(1)) {
    const first = line.trim().split(/\s+/)[0] ?? '';
    if (VMID_RE.test(first)) ids.push(Number(first));
  }
  return ids;
}

// `nftables: 1` in host.fw's [OPTIONS] selects the proxmox-firewall (nft) backend.
export function hostUsesNftables(hostFw: string): boolean {
  let section = '';
  for (const raw of hostFw.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) section = line.toLowerCase();
    else if (section === '[options]' && /^nftables\s*:\s*(1|on|yes|true)\b/i.test(line)) return true;
  }
  return false;
}

export function discover(out: { hostname: string; pctList: string; qmList: string; hostFw: string }): Discovery | null {
  const node = nodeName(out.hostname);
  if (!node) return null;
  return { node, lxc: listedVmids(out.pctList), qemu: listedVmids(out.qmList), nftables: hostUsesNftables(out.hostFw) };
}
