import type { Packet, Walk } from './packet.js';
import { note } from './packet.js';
import type { CRule } from './types.js';

function inRanges(r: number[], n: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (n >= (r[i] as number) && n <= (r[i + 1] as number)) return true;
  return false;
}

function ifaceMatches(r: CRule, name: string | null): boolean {
  if (r.iface === null) return true;
  if (name === null) return false;
  return r.ifaceWild ? name.startsWith(r.iface) : name === r.iface;
}

// Does the packet match the rule's tests (iptables semantics for a NEW packet)? `iface` is the
// -i/-o interface to test, or undefined where Proxmox filtered by NIC at compile time.
export function matches(r: CRule, w: Walk, iface?: string | null): boolean {
  const p: Packet = w.p;
  if (r.family !== 0 && r.family !== p.v) return false;
  if (iface !== undefined && !ifaceMatches(r, iface)) return false;
  if (r.src && !(p.v === 4 ? r.src.has4(p.src4) : r.src.has6(p.src6))) return false;
  if (r.dst && !(p.v === 4 ? r.dst.has4(p.dst4) : r.dst.has6(p.dst6))) return false;
  if (r.proto !== null && r.proto !== p.proto) return false;
  if (r.icmp) {
    if (!p.icmp) {
      note(
        w,
        `no ICMP type given: rules with an ICMP type (e.g. ${r.rule.file}:${r.rule.line}) were treated as not matching`,
      );
      return false;
    }
    if (r.icmp.type !== p.icmp.type || (r.icmp.code !== null && r.icmp.code !== p.icmp.code)) return false;
    if (r.icmpText !== p.icmpText) {
      note(
        w,
        `pve-firewall simulate compares ICMP types as strings ("${p.icmpText}" is not "${r.icmpText}" at ${r.rule.file}:${r.rule.line}), so it would not match there; decided as the kernel does`,
      );
    }
  }
  if (r.dports) {
    if (p.dport === null) {
      note(
        w,
        `no destination port given: rules with -dport (e.g. ${r.rule.file}:${r.rule.line}) were treated as not matching`,
      );
      return false;
    }
    if (!inRanges(r.dports, p.dport)) return false;
  }
  if (r.sports) {
    if (p.sport === null) {
      note(
        w,
        `no source port given: rules with -sport (e.g. ${r.rule.file}:${r.rule.line}) were treated as not matching`,
      );
      return false;
    }
    if (!inRanges(r.sports, p.sport)) return false;
  }
  return true;
}
