import type { CheckContext } from '../context.js';
import { ipToZone } from './guests.js';

// Proof commands a reviewer runs on the node after applying a fix.

const SIM_ZONE = /^(host|outside|(vm|ct)\d+)$/;

export interface FlowSpec {
  from: string; // zone or IP
  to: string;
  proto?: string;
  dport?: number | null;
}

// `pve-firewall simulate` takes only host, outside, vmN, ctN: an IP that is no guest goes in --source/--dest.
export function simulateCommand(ctx: CheckContext, flow: FlowSpec): string {
  const side = (value: string, flag: 'source' | 'dest'): string[] => {
    if (SIM_ZONE.test(value)) return [value];
    const zone = ipToZone(ctx, value);
    return zone ? [zone] : ['outside', `--${flag} ${value}`];
  };
  const [from, ...fromExtra] = side(flow.from, 'source');
  const [to, ...toExtra] = side(flow.to, 'dest');
  const parts = ['pve-firewall simulate', `--from ${from}`, `--to ${to}`];
  if (flow.proto === 'udp') parts.push('--protocol udp');
  if (flow.dport) parts.push(`--dport ${flow.dport}`);
  return [...parts, ...fromExtra, ...toExtra].join(' ');
}

export const chainCommand = (device: string): string => `iptables-save | grep -c -- '-j ${device}-IN'`;
