import type { Guest } from '../schema/report.js';
import { type ChainLink, switchChainSvg } from './svg/switch-chain.js';

const onOff = (b: boolean) => (b ? 'on' : 'off');

function links(g: Guest): ChainLink[] {
  const fw = g.firewall;
  const file = `${g.vmid}.fw`;
  const guestDetail = fw.fwFile === false ? `no ${file} (off)` : `${file} enable: ${fw.guestEnable ? 1 : 0}`;
  const nics = Object.entries(fw.nics).sort(([a], [b]) => a.localeCompare(b, 'en'));
  return [
    { label: 'Datacenter', detail: `cluster.fw enable: ${fw.cluster ? 1 : 0}`, on: fw.cluster },
    { label: 'Guest', detail: guestDetail, on: fw.guestEnable },
    ...nics.map(([nic, on]) => ({ label: `NIC ${nic}`, detail: `${nic}: firewall=${on ? 1 : 0}`, on })),
  ];
}

// The analysis names the broken link ("cluster", "guest", "net0", "nic:net0"); older reports may not,
// so fall back to the first switch that is off.
export function brokenIndex(g: Guest, chain: readonly ChainLink[]): number | null {
  const named = g.firewall.brokenLink;
  if (named) {
    const key = named.replace(/^nic:/, '').toLowerCase();
    if (key === 'cluster' || key === 'datacenter') return 0;
    if (key === 'guest' || key === 'guestenable' || key === 'enable') return 1;
    const i = chain.findIndex((l) => l.label.toLowerCase() === `nic ${key}`);
    if (i >= 0) return i;
  }
  if (g.firewall.effective) return null;
  const off = chain.findIndex((l) => !l.on);
  return off >= 0 ? off : null;
}

function guestLabel(g: Guest): string {
  return `${g.type === 'lxc' ? 'CT' : 'VM'} ${g.vmid}${g.name ? ` ${g.name}` : ''}`;
}

export function guestsView(guests: readonly Guest[]) {
  return guests.map((g) => {
    const chain = links(g);
    const broken = brokenIndex(g, chain);
    const fw = g.firewall;
    return {
      label: guestLabel(g),
      vmid: g.vmid,
      type: g.type === 'lxc' ? 'container (lxc)' : 'virtual machine (qemu)',
      name: g.name ?? '',
      ips: g.ips.length > 0 ? g.ips.join(', ') : 'none known',
      cluster: onOff(fw.cluster),
      clusterOn: fw.cluster,
      guest: fw.fwFile === false ? 'no .fw file' : onOff(fw.guestEnable),
      guestOn: fw.guestEnable,
      nics: Object.entries(fw.nics)
        .sort(([a], [b]) => a.localeCompare(b, 'en'))
        .map(([nic, on]) => ({ nic, on, state: onOff(on) })),
      // without a chain no policy applies: showing DROP there would mislead
      policy: fw.effective ? `${fw.policyIn ?? '?'} / ${fw.policyOut ?? '?'}` : 'n/a (no chain)',
      effective: fw.effective ? 'filtered' : 'unfiltered',
      effectiveOn: fw.effective,
      brokenAt: broken === null ? null : (chain[broken]?.label ?? null),
      chainSvg: switchChainSvg({ title: guestLabel(g), links: chain, effective: fw.effective, broken }),
    };
  });
}
