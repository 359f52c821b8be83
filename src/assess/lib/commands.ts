import type { CheckContext } from '../context.js';
import { guestIp, ipToZone } from './guests.js';

// Proof commands a reviewer runs on the node after applying a fix.

const GUEST_ZONE = /^(vm|ct)(\d+)$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export interface FlowSpec {
  from: string; // zone or IP
  to: string;
  proto?: string;
  dport?: number | null;
}

// `pve-firewall simulate` takes only host, outside, vmN, ctN. It does not know a guest's address:
// without --source/--dest it sends 100.100.1.2 -> 100.200.3.4, which a rule with addresses never
// matches. So each guest side carries its real IPv4 address, and an IP that is no guest goes in as
// outside with that address.
export function simulateCommand(ctx: CheckContext, flow: FlowSpec): string {
  const side = (value: string, flag: 'source' | 'dest'): string[] => {
    if (value === 'host' || value === 'outside') return [value];
    const guest = GUEST_ZONE.exec(value);
    if (guest) {
      const ip = guestIp(ctx, Number(guest[2]));
      return ip && IPV4.test(ip) ? [value, `--${flag} ${ip}`] : [value];
    }
    const zone = ipToZone(ctx, value);
    return [zone ?? 'outside', `--${flag} ${value}`];
  };
  if (flow.proto && flow.proto !== 'tcp' && flow.proto !== 'udp') {
    // The real simulator sends only tcp or udp: say so instead of printing a command that tests tcp.
    return `# pve-firewall simulate cannot send ${flow.proto}; check ${flow.from} -> ${flow.to} with: pveaudit simulate --pve-dir <copy of /etc/pve> --from ${flow.from} --to ${flow.to} --proto ${flow.proto}${flow.dport ? ` --dport ${flow.dport}` : ''}`;
  }
  const [from, ...fromExtra] = side(flow.from, 'source');
  const [to, ...toExtra] = side(flow.to, 'dest');
  const parts = ['pve-firewall simulate', `--from ${from}`, `--to ${to}`];
  if (flow.proto === 'udp') parts.push('--protocol udp');
  if (flow.dport) parts.push(`--dport ${flow.dport}`);
  return [...parts, ...fromExtra, ...toExtra].join(' ');
}

export const chainCommand = (device: string): string => `iptables-save | grep -c -- '-j ${device}-IN'`;
