import { icmpType, SERVICES } from './fw-tables.js';

export interface PortList {
  ranges: Array<[number, number]>;
  icmp: string | null; // set when the "port" is an ICMP type name (legacy -dport for icmp)
}

function portNumber(item: string): number | string {
  if (/^\d+$/.test(item)) {
    const n = Number(item);
    return n <= 65535 ? n : `port "${item}" is above 65535`;
  }
  const svc = SERVICES[item];
  return svc ?? `unknown port or service name "${item}" (not in /etc/services)`;
}

// Proxmox's parse_port_name_number_or_range: comma list of numbers, service names and a:b ranges,
// at most 15 "numbers" (a range counts 2, a service name 0). With allowIcmp a single ICMP type name is accepted.
export function parsePortList(text: string, allowIcmp = false): PortList | { error: string } {
  const items = text.split(',');
  const ranges: Array<[number, number]> = [];
  let count = 0;
  for (const item of items) {
    if (item === '') return { error: `empty entry in port list "${text}"` };
    const m = /^([^:]+):([^:]+)$/.exec(item);
    if (m) {
      // Only numeric ranges: Perl tests /^\d+:\d+$/ and looks anything else up as one service name.
      if (!/^\d+:\d+$/.test(item)) return { error: `invalid port "${item}": ranges take numbers only` };
      const lo = portNumber(m[1] as string);
      const hi = portNumber(m[2] as string);
      if (typeof lo === 'string') return { error: lo };
      if (typeof hi === 'string') return { error: hi };
      if (lo > hi) return { error: `port range "${item}" is reversed (first port must be <= last)` };
      ranges.push([lo, hi]);
      count += 2;
      continue;
    }
    if (item.includes('-') && /^\d+-\d+$/.test(item)) {
      return { error: `port range "${item}" must use a colon, e.g. ${item.replace('-', ':')}` };
    }
    const n = portNumber(item);
    if (typeof n === 'string') {
      if (allowIcmp && items.length === 1 && (icmpType(item, 4) || icmpType(item, 6))) {
        return { ranges: [], icmp: item };
      }
      return { error: n };
    }
    ranges.push([n, n]);
    // Perl counts only numeric items towards the limit, not service names.
    if (/^\d+$/.test(item)) count += 1;
  }
  if (count > 15) return { error: `too many ports in "${text}" (${count}; at most 15, a range counts as 2)` };
  return { ranges, icmp: null };
}

export function isPortError(p: PortList | { error: string }): p is { error: string } {
  return 'error' in p;
}
