import type { FIREWALL_REASONS } from '../schema/reason.js';
import { at, guestName, type Params, type Phrase, type PhraseContext, ruleAt, sideWords, str } from './words.js';

// The files' model: what decided a packet, and why the rule meant to decide it did not.

const VERB: Record<string, string> = { ACCEPT: 'accepts', DROP: 'drops', REJECT: 'rejects' };
const verb = (p: Params) => VERB[str(p.action)] ?? str(p.action);

// "VM 1001's", "the datacenter's", "the node's".
function owner(p: Params, ctx: PhraseContext): string {
  const file = str(p.file, '');
  const vmid = /^firewall\/(\d+)\.fw$/.exec(file)?.[1];
  if (vmid) return `${guestName({ vmid: Number(vmid) }, ctx)}'s`;
  if (file.endsWith('cluster.fw')) return "the datacenter's";
  if (file.endsWith('host.fw')) return "the node's";
  return 'the';
}

const meant = (p: Params) => `the rule meant to allow it, ${ruleAt(p)},`;

export const FIREWALL_PHRASES: Record<(typeof FIREWALL_REASONS)[number], Phrase> = {
  rule: (p) =>
    `the rule at ${ruleAt(p)} ${verb(p)} it${p.group ? ` (through security group ${str(p.group)})` : ''}${sideWords(p)}${
      p.mark ? ', only because the accept mark set by the guest OUT chain was still on the packet' : ''
    }`,
  policy: (p, ctx) =>
    `no rule matched, so ${owner(p, ctx)} ${p.key === 'policy_out' ? 'outbound' : 'inbound'} policy (${
      p.default
        ? `${str(p.key)} ${str(p.policy)}, the default`
        : at(p)
          ? `${at(p)}: ${str(p.key)}: ${str(p.policy)}`
          : `${str(p.key)}: ${str(p.policy)}`
    }) ${verb(p)} it${sideWords(p)}${p.noise ? ` (${str(p.noise)})` : ''}${p.nftables ? ' (nftables backend: REJECT in a guest chain is a drop)' : ''}`,
  'cluster-disabled': (p) =>
    `the datacenter firewall is disabled (${at(p) || 'firewall/cluster.fw'}: enable is not 1): no firewall chain exists on the node and nothing is filtered`,
  'cluster-fw-missing': () => 'there is no firewall/cluster.fw: the firewall is off and nothing is filtered',
  'host-disabled': (p) =>
    `the node's firewall is disabled (${at(p) || 'host.fw'}: enable: 0): no host chains, so traffic to and from the node is not filtered`,
  'guest-no-fwfile': (p, ctx) =>
    `${guestName(p, ctx)} has no (or an empty) ${str(p.file)}, so Proxmox builds no firewall chain for it: nothing filters it`,
  'guest-disabled': (p, ctx) =>
    `${guestName(p, ctx)}'s firewall is disabled (${at(p) || str(p.file)}: enable is not 1): nothing filters it`,
  'nic-unfiltered': (p, ctx) =>
    `${guestName(p, ctx)}'s ${str(p.nic)} has firewall=0 (${str(p.file)}): it bypasses the firewall bridge and nothing filters it`,
  'guest-chains-stopped': (p, ctx) =>
    `Proxmox stops generating ${guestName(p, ctx)}'s chains at a compile error (${str(p.error)}): ${str(p.nic)} is unfiltered`,
  blacklist: (p) => `the source ${str(p.address)} is in ipset blacklist (${at(p)}): dropped in ${str(p.chain)}`,
  smurfs: (p) => `the source ${str(p.address)} is a broadcast or multicast address: PVEFW-smurfs drops it`,
  ipfilter: (p, ctx) =>
    `${guestName(p, ctx)}'s IP filter drops it: the source ${str(p.address)} is not in ipset ${str(p.ipset)} (${at(p)})`,
  'builtin-accept': (p) => {
    const what: Record<string, string> = {
      dhcp: 'DHCP is accepted (the guest option dhcp is not 0)',
      ndp: 'neighbor discovery is accepted (the guest option ndp)',
      igmp: 'IGMP is accepted',
      management: `management access from +management to tcp ${str(p.port)} is accepted`,
      'local-network': `the node may reach local_network ${str(p.network)} on tcp ${str(p.port)}`,
      corosync: `corosync udp 5404:5405${p.peer ? ` with ${str(p.peer)}` : ''} is accepted`,
    };
    return `a built-in rule accepts it: ${what[str(p.what)] ?? str(p.what)}`;
  },
  'builtin-drop': (p) =>
    p.what === 'radv'
      ? `a built-in rule drops it: router advertisements from guests are dropped (${at(p) || str(p.file)}: radv is not 1)`
      : `a built-in rule drops it (${str(p.what)})`,
  'bridge-forward': () => 'nothing filters it between plain bridge ports',
  'rule-disabled': (p) =>
    `${meant(p)} is disabled with a leading "|": Proxmox keeps it in the file but never compiles it`,
  'rule-skipped': (p) => `${meant(p)} is skipped by Proxmox: ${str(p.error)}`,
  'ipset-no-member': (p) =>
    `${meant(p)} matches only ${p.role === 'dest' ? 'destinations' : 'sources'} in ipset ${str(p.ipset)}, and ${str(p.ipset)} does not contain ${str(p.address)}`,
  'address-mismatch': (p) =>
    `${meant(p)} allows ${p.role === 'dest' ? 'destination' : 'source'} ${str(p.wanted)}, not ${str(p.address)}`,
  'port-mismatch': (p) =>
    `${meant(p)} covers ${str(p.proto, 'its protocol')} ${str(p.ports)}${p.macro ? ` (macro ${str(p.macro)})` : ''}, not ${str(p.wantedProto, '')} ${str(p.port)}`.replace(
      / {2,}/g,
      ' ',
    ),
  'rule-other-nic': (p) => `${meant(p)} applies only to ${str(p.ruleNic)} (-i), and this traffic uses ${str(p.nic)}`,
  'rule-wrong-direction': (p) =>
    `${meant(p)} is an ${str(p.direction)} rule; this traffic needs an ${str(p.wanted)} rule in that file`,
  'rule-wrong-file': (p, ctx) =>
    `${meant(p)} is in cluster.fw, where it only filters traffic to and from the node, never bridged guest traffic; it belongs in ${
      p.vmid !== undefined && p.vmid !== null
        ? `${guestName(p, ctx)}'s firewall/${str(p.vmid)}.fw`
        : "the guest's own .fw file"
    }`,
  'rule-shadowed': (p) =>
    `${meant(p)} comes after line ${str(p.byLine)} (${str(p.byText)}), which matches first and ${VERB[str(p.byAction)] ?? 'decides'} it`,
  'group-undefined': (p) =>
    `${meant(p)} jumps to security group "${str(p.group)}", which does not exist${
      p.stored ? ` (stored group names are lower case: "${str(p.stored)}")` : ''
    }: the jump goes to an empty chain and accepts nothing`,
  'no-rule': (p, ctx) =>
    `no rule in ${str(p.file)} would allow it${p.vmid !== undefined ? ` (${guestName(p, ctx)})` : ''}`,
};
