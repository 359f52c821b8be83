import { SimulationError } from '../lib/errors.js';
import { icmpType, SERVICES } from '../parse/fw-tables.js';
import { parseIp } from '../parse/ip.js';
import type { SimFlow } from '../schema/pve.js';
import type { Packet } from './packet.js';

const PROTO_NUM = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 } as const;

function port(value: number | string | undefined, what: string): number | null {
  if (value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : SERVICES[value];
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new SimulationError(
      `bad ${what} "${value}": expected a port number 1-65535 (or a service name such as https)`,
      { field: what },
    );
  }
  return n;
}

// Addresses default as in pve-firewall simulate: the node IP for host, else 100.100.1.2 ->
// 100.200.3.4; an explicit --source/--dest or an IP zone wins.
export function buildPacket(flow: SimFlow, source: string, dest: string): Packet {
  const proto = flow.proto ?? 'tcp';
  const s = parseIp(source);
  const d = parseIp(dest);
  if (!s)
    throw new SimulationError(`bad source address "${source}": expected an IPv4 or IPv6 address`, { field: 'source' });
  if (!d)
    throw new SimulationError(`bad destination address "${dest}": expected an IPv4 or IPv6 address`, { field: 'dest' });
  if (s.v !== d.v)
    throw new SimulationError(`source ${source} and destination ${dest} are not the same IP version`, {
      field: 'dest',
    });
  if (proto === 'icmp' && s.v === 6)
    throw new SimulationError('proto icmp needs IPv4 addresses (use icmpv6 for IPv6)', { field: 'proto' });
  if (proto === 'icmpv6' && s.v === 4)
    throw new SimulationError('proto icmpv6 needs IPv6 addresses (pass --source and --dest)', { field: 'proto' });
  let icmp = null;
  let dport: number | null = null;
  if (proto === 'icmp' || proto === 'icmpv6') {
    if (flow.dport !== undefined && flow.dport !== '') {
      icmp = icmpType(String(flow.dport), s.v);
      if (!icmp || icmp.type < 0) {
        throw new SimulationError(`bad ICMP type "${flow.dport}": use a number 0-255 or a name such as echo-request`, {
          field: 'dport',
        });
      }
    }
  } else {
    dport = port(flow.dport, 'dport');
  }
  return {
    v: s.v,
    src4: s.v === 4 ? Number(s.n) : 0,
    dst4: d.v === 4 ? Number(d.n) : 0,
    src6: s.n,
    dst6: d.n,
    proto: PROTO_NUM[proto],
    protoName: proto,
    dport,
    sport: port(flow.sport, 'sport'),
    icmp,
    icmpText: icmp ? String(flow.dport) : null,
    srctype: (flow.srctype ?? 'UNICAST').toUpperCase(),
    dsttype: (flow.dsttype ?? 'UNICAST').toUpperCase(),
    source,
    dest,
  };
}
