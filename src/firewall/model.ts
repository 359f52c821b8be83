import { clusterEnableValue } from '../parse/fw-options.js';
import { parseIp } from '../parse/ip.js';
import type { PveConfig } from '../schema/pve.js';
import { cidrMatcher } from './addr-match.js';
import type { CompileScope } from './compile.js';
import { compileGroups, compileRules } from './compile-lists.js';
import { buildGuest } from './guest-model.js';
import { IndexedRules } from './rule-index.js';
import { indexEntries, ipsetIndexes, optionReader } from './scope-data.js';
import type { FirewallModel, GuestModel, HostModel } from './types.js';

export type { FirewallModel } from './types.js';

export interface BuildOptions {
  now?: number; // Unix seconds, for cluster "enable: <timestamp>"; default: the current time
  root?: string; // how to name the pve dir in error messages (default /etc/pve)
}

// Everything simulate() needs, computed once: compiled chains per scope, ipsets as indexes.
export function buildModel(cfg: PveConfig, opts: BuildOptions = {}): FirewallModel {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const c = optionReader(cfg.cluster, 'cluster');
  const clusterEnabled = cfg.cluster !== null && clusterEnableValue(c.opt('enable'), now);
  const clusterAliases = new Map(Object.values(cfg.cluster?.aliases ?? {}).map((a) => [a.name, a.cidr]));
  const clusterIpsets = ipsetIndexes(cfg.cluster, (n) => clusterAliases.get(n));
  const localNetwork = cfg.localNetwork;
  const mgmt = indexEntries(
    cfg.cluster?.ipsets.management?.entries ?? [],
    (n) => clusterAliases.get(n),
    localNetwork ? [localNetwork] : [],
  );
  // The compiled management set always holds local_network, also when rules reference +management.
  clusterIpsets.set('management', mgmt);
  const logRateLimited = !/(^|,)enable=0(,|$)/.test(c.opt('log_ratelimit'));
  const scope: CompileScope = { clusterAliases, clusterIpsets, logRateLimited };
  const groups = compileGroups(cfg.cluster, scope);
  const h = optionReader(cfg.host, 'host');
  const hostRules = compileRules(cfg.host?.rules ?? [], scope);
  const clusterRules = compileRules(cfg.cluster?.rules ?? [], scope);
  const host: HostModel = {
    enabled: clusterEnabled && h.opt('enable') !== '0',
    inRules: new IndexedRules(
      [...hostRules, ...clusterRules].filter((r) => r.rule.direction === 'IN' || r.rule.direction === 'GROUP'),
    ),
    outRules: new IndexedRules(
      [...hostRules, ...clusterRules].filter((r) => r.rule.direction === 'OUT' || r.rule.direction === 'GROUP'),
    ),
    opt: h.opt,
    management: mgmt,
    blacklist: clusterIpsets.get('blacklist') ?? null,
    localNetwork,
    localNet4: localNetwork ? cidrMatcher(localNetwork) : null,
    ...corosyncRules(cfg),
  };
  const guests = new Map<number, GuestModel>();
  const ipOwners = new Map<string, { vmid: number; nic: number }>();
  const vmids = new Set([...Object.keys(cfg.guests), ...Object.keys(cfg.guestFw)].map(Number));
  for (const vmid of vmids) {
    const g = buildGuest(vmid, cfg, { scope, groups, clusterEnabled });
    if (!g) continue;
    guests.set(vmid, g);
    for (const nic of g.nics.values())
      for (const ip of nic.addresses) if (!ipOwners.has(ip)) ipOwners.set(ip, { vmid, nic: nic.index });
  }
  return {
    cfg,
    root: opts.root ?? '/etc/pve',
    clusterEnabled,
    clusterEnableLine: c.optLine('enable'),
    clusterOpt: c.opt,
    clusterOptLine: c.optLine,
    groups,
    clusterRules,
    host,
    guests,
    ipOwners,
    logRateLimited,
    scope,
  };
}

function corosyncRules(cfg: PveConfig): Pick<HostModel, 'corosyncIn' | 'corosyncMulticast'> {
  const co = cfg.corosync;
  const local = co?.nodes.find((n) => n.name === cfg.nodename);
  const corosyncIn: HostModel['corosyncIn'] = [];
  for (const peer of co?.nodes ?? []) {
    if (!local || peer.name === cfg.nodename) continue;
    for (const [key, value] of Object.entries(peer.addresses)) {
      const p = parseIp(value);
      const l = local.addresses[key] === undefined ? null : parseIp(local.addresses[key] as string);
      if (!p || !l || p.v !== l.v) continue; // hostnames would need DNS: Proxmox skips unresolved ones
      corosyncIn.push({ src: p.n, dst: l.n, v: p.v, key, peer: peer.name });
    }
  }
  return { corosyncIn, corosyncMulticast: co?.transport === 'udp' };
}
