import { SimulationError } from '../lib/errors.js';
import { parseIp } from '../parse/ip.js';
import type { FirewallModel, GuestModel, NicModel } from './types.js';

export type Endpoint =
  | { kind: 'host'; zone: string }
  | { kind: 'guest'; zone: string; guest: GuestModel; nic: NicModel }
  | { kind: 'port'; zone: string; bridge: string; port: string };

const ZONES_HELP =
  'zones are host, outside, nfvm, vm<ID>, ct<ID>, vm<ID>i<N>, ct<ID>i<N>, <bridge>/<port> or an IP of a guest';

function unknown(zone: string, why: string): SimulationError {
  return new SimulationError(`unknown zone "${zone}": ${why}; ${ZONES_HELP}`, { field: 'zone' });
}

// A zone name (as pve-firewall simulate and its test files use them) or an IP -> endpoint,
// plus the address an IP zone implies.
export function resolveZone(model: FirewallModel, zone: string, root: string): { ep: Endpoint; ip: string | null } {
  if (zone === 'host') return { ep: { kind: 'host', zone }, ip: null };
  if (zone === 'outside') return { ep: { kind: 'port', zone, bridge: 'vmbr0', port: 'eth0' }, ip: null };
  if (zone === 'nfvm') return { ep: { kind: 'port', zone, bridge: 'vmbr0', port: 'tapXYZ' }, ip: null };
  const g = /^(vm|ct)(\d+)(?:i(\d+))?$/.exec(zone);
  if (g) {
    const vmid = Number(g[2]);
    const guest = model.guests.get(vmid);
    if (!guest) throw unknown(zone, `no guest ${vmid} in ${root}/nodes/${model.cfg.nodename}`);
    const want = g[1] === 'vm' ? 'qemu' : 'lxc';
    if (guest.config.type !== want) {
      throw unknown(
        zone,
        `guest ${vmid} is a ${guest.config.type === 'lxc' ? 'container, write ct' : 'VM, write vm'}${vmid}`,
      );
    }
    const index = g[3] === undefined ? 0 : Number(g[3]);
    const nic = guest.nics.get(index);
    if (!nic) {
      const have = [...guest.nics.keys()].map((i) => `net${i}`).join(', ') || 'none';
      throw unknown(zone, `guest ${vmid} has no net${index} (its NICs: ${have})`);
    }
    // Like pve-firewall simulate, a named guest zone does not imply its address.
    return { ep: { kind: 'guest', zone, guest, nic }, ip: null };
  }
  const port = /^([a-zA-Z][a-zA-Z0-9]{0,9})\/(\S+)$/.exec(zone);
  if (port) return { ep: { kind: 'port', zone, bridge: port[1] as string, port: port[2] as string }, ip: null };
  const ip = parseIp(zone);
  if (ip) {
    const owner = model.ipOwners.get(zone);
    if (owner) {
      const guest = model.guests.get(owner.vmid) as GuestModel;
      const nic = guest.nics.get(owner.nic) as NicModel;
      const name = `${guest.config.type === 'lxc' ? 'ct' : 'vm'}${owner.vmid}${owner.nic === 0 ? '' : `i${owner.nic}`}`;
      return { ep: { kind: 'guest', zone: name, guest, nic }, ip: zone };
    }
    if (zone === model.cfg.hostIp) return { ep: { kind: 'host', zone: 'host' }, ip: zone };
    return { ep: { kind: 'port', zone: 'outside', bridge: 'vmbr0', port: 'eth0' }, ip: zone };
  }
  throw unknown(zone, 'not a zone name or IP address');
}

export function bridgeOf(ep: Endpoint): string | null {
  return ep.kind === 'guest' ? ep.nic.bridge : ep.kind === 'port' ? ep.bridge : null;
}
