import type { Issue } from '../schema/common.js';
import type { Localnet } from '../schema/pve.js';

// `pve-firewall localnet` output (pve_firewall.pm):
//   local hostname: pve
//   local IP address: 10.0.0.5
//   network auto detect: 10.0.0.0/24
//   using detected local_network: 10.0.0.0/24      (or: using user defined local_network: ...)
//   accepting corosync traffic from/to:
//    - pve2: 10.0.0.6 (link: 0)
export function parseLocalnet(text: string, path: string): Localnet {
  const issues: Issue[] = [];
  const res: Localnet = {
    nodename: null,
    nodeIp: null,
    localNetwork: null,
    fromAlias: false,
    corosyncPeers: [],
    issues,
  };
  let detected: string | null = null;
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = raw.trim();
    if (line === '') return;
    const host = /^local hostname:\s*(\S+)$/.exec(line);
    const ip = /^local IP address:\s*(\S+)$/.exec(line);
    const auto = /^network auto detect:\s*(\S+)$/.exec(line);
    const using = /^using (detected|user defined) local_network:\s*(\S+)$/.exec(line);
    const peerLine = /^-\s*(\S+?):\s*(\S+)(?:\s*\((?:link|ring):\s*\d+\))?$/.exec(line);
    if (host) res.nodename = host[1] as string;
    else if (ip) res.nodeIp = ip[1] as string;
    else if (auto) detected = auto[1] as string;
    else if (using) {
      const m = using;
      res.localNetwork = m[2] as string;
      res.fromAlias = m[1] === 'user defined';
    } else if (/^accepting corosync traffic from\/to:?$/.test(line)) {
      // peers follow
    } else if (peerLine) {
      const m = peerLine;
      const name = m[1] as string;
      const peer = res.corosyncPeers.find((p) => p.name === name) ?? { name, addresses: [] };
      if (!res.corosyncPeers.includes(peer)) res.corosyncPeers.push(peer);
      peer.addresses.push(m[2] as string);
    } else {
      issues.push({
        file: path,
        line: idx + 1,
        severity: 'warning',
        code: 'localnet-line',
        message: `unrecognised line "${line}"`,
      });
    }
  });
  if (res.localNetwork === null && detected !== null) res.localNetwork = detected;
  if (res.nodeIp === null)
    issues.push({
      file: path,
      severity: 'warning',
      code: 'localnet-no-ip',
      message: 'no "local IP address:" line in pve-firewall localnet output',
    });
  return res;
}
