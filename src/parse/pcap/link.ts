import { u16 } from './bytes.js';
import { decodeIp, decodeIpv4, decodeIpv6 } from './ip.js';
import type { DecodedPacket } from './packet.js';

// Link layers we read: Ethernet (with 802.1Q/QinQ tags), Linux cooked v1 and v2 (`tcpdump -i any`),
// raw IP and BSD loopback. Anything else still counts as a packet but is not decoded.

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

const SUPPORTED = new Set([
  LINKTYPE_NULL,
  LINKTYPE_ETHERNET,
  LINKTYPE_RAW,
  LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL2,
]);

export function linkTypeSupported(linkType: number): boolean {
  return SUPPORTED.has(linkType);
}

function isVlanTag(et: number): boolean {
  return et === 0x8100 || et === 0x88a8 || et === 0x9100;
}

function byEthertype(p: DecodedPacket, et: number, off: number, end: number, wireExtra: number): void {
  let type = et;
  let o = off;
  while (isVlanTag(type) && o + 4 <= end) {
    type = u16(p.buf, o + 2);
    o += 4;
  }
  if (type === 0x0800) decodeIpv4(p.buf, o, end, wireExtra, p.ip);
  else if (type === 0x86dd) decodeIpv6(p.buf, o, end, wireExtra, p.ip);
}

// Fills p.ip from the frame at [off, end); leaves p.ip.version at 0 when the frame carries no IP.
export function decodeLink(p: DecodedPacket, linkType: number, off: number, end: number): void {
  const b = p.buf;
  const wireExtra = p.origLen > p.capLen ? p.origLen - p.capLen : 0;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (end - off >= 14) byEthertype(p, u16(b, off + 12), off + 14, end, wireExtra);
      return;
    case LINKTYPE_LINUX_SLL:
      if (end - off >= 16) byEthertype(p, u16(b, off + 14), off + 16, end, wireExtra);
      return;
    case LINKTYPE_LINUX_SLL2:
      if (end - off >= 20) byEthertype(p, u16(b, off), off + 20, end, wireExtra);
      return;
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      decodeIp(b, off, end, wireExtra, p.ip);
      return;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
      // A 4-byte address family in the writer's byte order: the IP version nibble after it is enough.
      if (end - off >= 4) decodeIp(b, off + 4, end, wireExtra, p.ip);
      return;
    default:
      return;
  }
}
