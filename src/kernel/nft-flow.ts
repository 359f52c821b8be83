import { type LiveEndpoint, type LiveFlowInput, packetOf } from './flow.js';
import type { NftRuleset, NRule } from './nft.js';
import type { NHop, NPacket } from './nft-expr.js';
import { type NHopResult, walkNftHop } from './nft-walk.js';
import type { LiveAction } from './walk.js';

// Where a flow's first packet meets the nftables hooks on a node running proxmox-firewall. Guest
// ports plug straight into the Linux bridge (no fwbr), so a bridged packet is seen by the bridge
// family at prerouting (proxmox-firewall's vm-out: the source guest's OUT chain), forward and
// postrouting (vm-in: the target guest's IN chain); traffic to or from the node itself also crosses
// the inet hooks (input / output). Not modelled: br_netfilter's call-iptables path, netdev and arp
// family tables.

export interface NftFlowWalk {
  action: LiveAction;
  decided: NHopResult;
  hops: NHopResult[];
  matched: NRule[];
}

const port = (e: LiveEndpoint): string | null => (e.kind === 'guest' ? e.dev : null);

export function nftHopsOf(flow: LiveFlowInput): NHop[] {
  const { from, to } = flow;
  const srcBr = from.bridge ?? to.bridge ?? 'vmbr0';
  const dstBr = to.bridge ?? from.bridge ?? 'vmbr0';
  const hops: NHop[] = [];
  const bridge = (
    hook: NHop['hook'],
    iif: string | null | undefined,
    oif: string | null | undefined,
    pkttype: NHop['pkttype'],
  ) =>
    hops.push({
      family: 'bridge',
      hook,
      where: `${hook === 'output' || hook === 'postrouting' ? dstBr : srcBr} (bridge ${hook})`,
      iif,
      oif,
      ibr: iif === undefined ? null : srcBr,
      obr: oif === undefined ? null : dstBr,
      pkttype,
    });
  const ip = (hook: NHop['hook'], iif: string | undefined, oif: string | undefined) =>
    hops.push({ family: 'ip', hook, where: `host (${hook})`, iif, oif, ibr: null, obr: null, pkttype: 'host' });

  if (from.kind === 'host') {
    ip('output', undefined, dstBr);
    ip('postrouting', undefined, dstBr);
    bridge('output', undefined, port(to), 'otherhost');
    bridge('postrouting', undefined, port(to), 'otherhost');
    return hops;
  }
  bridge('prerouting', port(from), undefined, to.kind === 'host' || srcBr !== dstBr ? 'host' : 'otherhost');
  if (to.kind === 'host') {
    bridge('input', port(from), undefined, 'host');
    ip('prerouting', srcBr, undefined);
    ip('input', srcBr, undefined);
    return hops;
  }
  if (srcBr !== dstBr) {
    // routed by the node from one bridge to the other
    bridge('input', port(from), undefined, 'host');
    ip('prerouting', srcBr, undefined);
    ip('forward', srcBr, dstBr);
    ip('postrouting', undefined, dstBr);
    bridge('output', undefined, port(to), 'otherhost');
    bridge('postrouting', undefined, port(to), 'otherhost');
    return hops;
  }
  hops.push({
    family: 'bridge',
    hook: 'forward',
    where: `${srcBr} (bridge forward)`,
    iif: port(from),
    oif: port(to),
    ibr: srcBr,
    obr: dstBr,
    pkttype: 'otherhost',
  });
  bridge('postrouting', undefined, port(to), 'otherhost');
  return hops;
}

export function nftPacketOf(flow: LiveFlowInput): NPacket | null {
  const ip = packetOf(flow);
  if (!ip) return null;
  return {
    l3: ip.v === 4 ? 'ip' : 'ip6',
    srcMac: flow.from.kind === 'guest' ? (flow.from.mac?.toLowerCase() ?? null) : null,
    dstMac: flow.to.kind === 'guest' ? (flow.to.mac?.toLowerCase() ?? null) : null,
    ip,
    arp: null,
  };
}

// The flow's first packet through every hop; the first hop that does not accept decides.
export function walkNftFlow(rs: NftRuleset, flow: LiveFlowInput): NftFlowWalk | null {
  const p = nftPacketOf(flow);
  if (!p) return null;
  const marks = { mark: 0, ctmark: 0 };
  const hops: NHopResult[] = [];
  for (const hop of nftHopsOf(flow)) {
    const r = walkNftHop(rs, hop, p, marks);
    hops.push(r);
    if (r.action !== 'ACCEPT') break;
  }
  const last = hops[hops.length - 1] as NHopResult;
  const decided = last.action !== 'ACCEPT' ? last : ([...hops].reverse().find((h) => h.rule !== null) ?? last);
  return { action: last.action, decided, hops, matched: hops.flatMap((h) => h.matched) };
}
