import type { KERNEL_REASONS } from '../schema/reason.js';
import { type Params, type Phrase, str } from './words.js';

// The kernel section (owned by the live-ruleset walk, src/kernel): what the loaded ruleset decided,
// and where it parts from what the files compile to.

const place = (p: Params): string =>
  p.rule !== null && p.rule !== undefined ? `${str(p.chain)} rule ${str(p.rule)}` : str(p.chain);
const verb = (a: unknown): string => (a === 'ACCEPT' ? 'accepts' : a === 'REJECT' ? 'rejects' : 'drops');
const verbPlural = (a: unknown): string => (a === 'ACCEPT' ? 'accept' : a === 'REJECT' ? 'reject' : 'drop');

export const KERNEL_PHRASES: Record<(typeof KERNEL_REASONS)[number], Phrase> = {
  'live-drift': (p) =>
    `the live ruleset still holds a rule of an older configuration${p.chain ? ` in ${str(p.chain)}` : ''}${p.text ? ` (${str(p.text)})` : ''}`,
  'changes-pending': () => 'pve-firewall reports pending changes: the live ruleset is not what the files say',
  'kernel-rule': (p) => `the kernel ${verb(p.target)} it at ${place(p)}`,
  'kernel-policy': (p) =>
    `the kernel ${verb(p.policy)} it by the ${str(p.chain)} policy${p.where ? ` (at ${str(p.where)})` : ''}`,
  'kernel-unknown': (p) =>
    `the live walk cannot decide it at ${place(p)}: ${str(p.what)} is not modelled, so no verdict is guessed`,
  'live-differs': (p) =>
    `the files ${verbPlural(p.config)} ${str(p.flow)}, but the kernel ${verb(p.live)} it now at ${place(p)}${p.drift === 'hand-added' ? ', a rule added by hand' : p.drift === 'live-rule-missing' ? ', because the change was not applied' : p.filter === 'arp-filtered' ? ", in the layer-2 ARP filter built from the NIC's ipfilter set: without ARP no packet of the flow is sent" : p.filter === 'mac-filtered' ? ', in the layer-2 source-MAC filter' : ''}`,
  'hand-added': (p) =>
    `the kernel holds a rule added by hand at ${place(p)}: the configuration does not produce it and pve-firewall keeps it`,
  'live-rule-missing': (p) =>
    `the loaded ${str(p.chain)} lacks ${str(p.expected)}, which the configuration produces: the change was not applied`,
  'live-rule-changed': (p) => `the loaded rule at ${place(p)} differs from the configuration's ${str(p.expected)}`,
  'stale-chain': (p) => `the chain ${str(p.chain)} is still loaded although the configuration no longer produces it`,
  'chain-missing': (p) => `the kernel has no ${str(p.chain)} chain although the configuration produces one`,
  'mac-filtered': (p) => `the source MAC filter at ${place(p)} drops the frame: the packet's MAC is not the NIC's`,
  'arp-filtered': (p) =>
    `the ARP filter at ${place(p)} drops the ${p.frame === 'arp-reply' ? 'ARP reply' : 'ARP request'}: its sender IP is not in the NIC's ipfilter set, so the peers never learn each other's MAC`,
};
