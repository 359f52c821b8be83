import type { Issue } from '../schema/common.js';
import type { GuestConfig, PveConfig } from '../schema/pve.js';
import { parseCorosync } from './corosync.js';
import { parseFwFile } from './fw-file.js';
import { parseGuestConfig } from './guest-config.js';
import { parseIpv4 } from './ip.js';

export interface PveTreeOptions {
  nodename?: string;
  hostIp?: string;
  localNetwork?: string;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// An /etc/pve-like tree (relative path -> text) -> everything the firewall model needs.
// Only guests of the local node count: Proxmox compiles chains for local guests only.
export function parsePveTree(
  files: Map<string, string>,
  opts: PveTreeOptions = {},
): { config: PveConfig; issues: Issue[] } {
  const issues: Issue[] = [];
  const nodes = [
    ...new Set([...files.keys()].map((p) => /^nodes\/([^/]+)\//.exec(p)?.[1]).filter((n): n is string => !!n)),
  ].sort();
  let nodename = opts.nodename;
  if (!nodename) {
    nodename = nodes[0] ?? 'localhost';
    if (nodes.length > 1) {
      issues.push({
        file: 'nodes',
        severity: 'warning',
        code: 'pve-tree-nodename',
        message: `several nodes (${nodes.join(', ')}) and no node name given; using ${nodename}`,
      });
    } else if (nodes.length === 0) {
      issues.push({
        file: 'nodes',
        severity: 'warning',
        code: 'pve-tree-nodename',
        message: 'no nodes/<node>/ directory; guest configs are unknown',
      });
    }
  }
  const clusterText = files.get('firewall/cluster.fw');
  const cluster =
    clusterText === undefined ? null : parseFwFile(clusterText, { kind: 'cluster', path: 'firewall/cluster.fw' });
  const hostPath = files.has(`nodes/${nodename}/host.fw`)
    ? `nodes/${nodename}/host.fw`
    : files.has('local/host.fw')
      ? 'local/host.fw'
      : null;
  const host =
    hostPath === null ? null : parseFwFile(files.get(hostPath) as string, { kind: 'host', path: hostPath, cluster });
  const guestFw: PveConfig['guestFw'] = {};
  const guests: Record<string, GuestConfig> = {};
  // Sorted by code unit: the order is only there to make a repeated vmid's winner deterministic, and
  // localeCompare would depend on the locale and cost ICU's locale table (~7 % of a json-only render).
  for (const [path, text] of [...files].sort(([a], [b]) => byCodeUnit(a, b))) {
    const fw = /^firewall\/(\d+)\.fw$/.exec(path);
    if (fw) {
      guestFw[fw[1] as string] = parseFwFile(text, { kind: 'guest', path, cluster });
      continue;
    }
    const conf = /^(?:nodes\/([^/]+)\/)?(lxc|qemu-server)\/(\d+)\.conf$/.exec(path);
    if (!conf || (conf[1] !== undefined && conf[1] !== nodename)) continue;
    const vmid = conf[3] as string;
    if (guests[vmid]) continue;
    guests[vmid] = parseGuestConfig(text, {
      vmid: Number(vmid),
      type: conf[2] === 'lxc' ? 'lxc' : 'qemu',
      source: 'conf-file',
      path,
    });
  }
  const corosyncText = files.get('corosync.conf');
  const corosync = corosyncText === undefined ? null : parseCorosync(corosyncText, 'corosync.conf');
  const ring = corosync?.nodes.find((n) => n.name === nodename);
  const ringIp = ring
    ? Object.entries(ring.addresses)
        .sort(([a], [b]) => byCodeUnit(a, b))
        .map(([, v]) => v)
        .find((v) => parseIpv4(v) !== null)
    : undefined;
  const hostIp = opts.hostIp ?? ringIp ?? null;
  // A cluster.fw local_network alias wins over auto-detection, as in Proxmox.
  const localNetwork = cluster?.aliases.local_network?.cidr ?? opts.localNetwork ?? null;
  if (!hostIp) {
    issues.push({
      file: 'corosync.conf',
      severity: 'warning',
      code: 'pve-tree-host-ip',
      message: `node IP of ${nodename} unknown (no corosync ring address, no --host-ip): host and corosync rules cannot be matched by address`,
    });
  }
  for (const f of [cluster, host, ...Object.values(guestFw)]) if (f) issues.push(...f.issues);
  for (const g of Object.values(guests)) issues.push(...g.issues);
  if (corosync) issues.push(...corosync.issues);
  return { config: { nodename, hostIp, localNetwork, cluster, host, guestFw, guests, corosync }, issues };
}
