import { isCompileError } from '../parse/fw-rule.js';
import type { PveConfig } from '../schema/pve.js';
import type { CompileScope } from './compile.js';
import { compileRules } from './compile-lists.js';
import type { IpsetIndex } from './ipset-index.js';
import { IndexedRules } from './rule-index.js';
import { indexEntries, ipsetIndexes, optionReader } from './scope-data.js';
import type { GroupModel, GuestModel, NicModel } from './types.js';

interface Ctx {
  scope: CompileScope;
  groups: Map<string, GroupModel>;
  clusterEnabled: boolean;
}

const bareIp = (v: string | null): string | null =>
  v && !['dhcp', 'manual', 'auto'].includes(v) ? (v.split('/')[0] ?? null) : null;

// One local guest: which NICs get <dev>-IN/-OUT chains, and their compiled rules.
export function buildGuest(vmid: number, cfg: PveConfig, ctx: Ctx): GuestModel | null {
  const config = cfg.guests[String(vmid)];
  if (!config) return null;
  const fw = cfg.guestFw[String(vmid)] ?? null;
  const { opt, optLine } = optionReader(fw, 'guest');
  const hasFw =
    fw !== null &&
    (Object.keys(fw.options).length > 0 ||
      fw.rules.length > 0 ||
      Object.keys(fw.ipsets).length > 0 ||
      Object.keys(fw.aliases).length > 0);
  const enable = opt('enable') === '1';
  const guestAliases = new Map(Object.values(fw?.aliases ?? {}).map((a) => [a.name, a.cidr]));
  const aliasOf = (n: string, sc: string | null) =>
    (sc !== 'dc' ? guestAliases.get(n) : undefined) ?? (sc !== 'guest' ? ctx.scope.clusterAliases.get(n) : undefined);
  const guestIpsets = ipsetIndexes(fw, aliasOf);
  const scope: CompileScope = { ...ctx.scope, guestAliases, guestIpsets };
  const rules = compileRules(fw?.rules ?? [], scope);
  const nics = new Map<number, NicModel>();
  let dead: string | null = null;
  for (const net of config.nets) {
    const netId = `net${net.index}`;
    const applies = (iface: string | null) => iface === null || iface === netId;
    for (const r of fw?.rules ?? []) {
      if (dead || !r.enabled || r.direction !== 'GROUP' || !applies(r.iface)) continue;
      const own = r.errors.find(isCompileError);
      const grp = ctx.groups.get(r.action)?.fatal;
      if (own) dead = `${r.file}:${r.line}: ${own.replace(/^compile: /, '')}`;
      else if (grp && r.errors.length === 0) dead = `group ${r.action}: ${grp}`;
    }
    const addresses = [bareIp(net.ip), bareIp(net.ip6)].filter((a): a is string => a !== null);
    let noChainReason: string | null = null;
    if (!ctx.clusterEnabled) noChainReason = 'the cluster firewall is disabled (firewall/cluster.fw enable is not 1)';
    else if (!hasFw) noChainReason = `there is no (or an empty) firewall/${vmid}.fw`;
    else if (!enable) noChainReason = `firewall/${vmid}.fw does not have "enable: 1"`;
    else if (!net.firewall) noChainReason = `${netId} does not have firewall=1`;
    else if (dead) noChainReason = `Proxmox stops generating this guest's chains at a compile error (${dead})`;
    const ipfilterSet = fw?.ipsets[`ipfilter-${netId}`];
    let ipfilter: IpsetIndex | null = null;
    if (opt('ipfilter') === '1' || ipfilterSet) {
      // Implicit members: the MAC-derived link-local address (IPv6), and a CT's own ip=/ip6=;
      // nothing implicit for a VM in IPv4.
      const implicit = [...(config.type === 'lxc' ? addresses : []), linkLocal(net.hwaddr)];
      ipfilter = indexEntries(
        ipfilterSet?.entries ?? [],
        aliasOf,
        implicit.filter((a): a is string => a !== null),
      );
    }
    nics.set(net.index, {
      index: net.index,
      bridge: net.bridge ?? 'vmbr0',
      firewall: net.firewall,
      dev: `${config.type === 'qemu' ? 'tap' : 'veth'}${vmid}i${net.index}`,
      chains: noChainReason
        ? null
        : {
            in: new IndexedRules(rules.filter((r) => r.rule.direction !== 'OUT' && applies(r.rule.iface))),
            out: new IndexedRules(rules.filter((r) => r.rule.direction !== 'IN' && applies(r.rule.iface))),
          },
      noChainReason,
      ipfilter,
      addresses,
    });
  }
  return { vmid, config, fwPath: `firewall/${vmid}.fw`, hasFw, enable, opt, optLine, nics, scope };
}

// EUI-64 link-local address of a MAC (Proxmox's mac_to_linklocal): flip the U/L bit, insert ff:fe.
function linkLocal(mac: string | null): string | null {
  if (!mac || !/^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/.test(mac)) return null;
  const b = mac.split(':').map((x) => Number.parseInt(x, 16));
  const w = [
    ((b[0] as number) ^ 2) * 256 + (b[1] as number),
    (b[2] as number) * 256 + 0xff,
    0xfe00 + (b[3] as number),
    (b[4] as number) * 256 + (b[5] as number),
  ];
  return `fe80::${w.map((x) => x.toString(16)).join(':')}`;
}
