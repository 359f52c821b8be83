import { u16, u32 } from './bytes.js';
import type { IpHeader } from './packet.js';

// IPv4 and IPv6 headers. `end` is the end of the captured bytes; `wireExtra` is how many bytes the
// snap length cut off, so lengths stay right when the header's own length field is 0 (TSO/BIG TCP).

export function decodeIpv4(b: Buffer, off: number, end: number, wireExtra: number, out: IpHeader): boolean {
  if (end - off < 20) return false;
  const vihl = b[off]!;
  const ihl = (vihl & 0x0f) * 4;
  if (vihl >> 4 !== 4 || ihl < 20 || off + ihl > end) return false;
  const total = u16(b, off + 2);
  out.version = 4;
  out.proto = b[off + 9]!;
  out.fragment = (u16(b, off + 6) & 0x1fff) !== 0;
  out.src[0] = u32(b, off + 12);
  out.dst[0] = u32(b, off + 16);
  out.src[1] = out.src[2] = out.src[3] = 0;
  out.dst[1] = out.dst[2] = out.dst[3] = 0;
  out.l4Off = off + ihl;
  if (total >= ihl) {
    out.l4Len = total - ihl;
    out.l4End = Math.min(end, off + total);
  } else {
    out.l4Len = end - out.l4Off + wireExtra;
    out.l4End = end;
  }
  return true;
}

export function decodeIpv6(b: Buffer, off: number, end: number, wireExtra: number, out: IpHeader): boolean {
  if (end - off < 40 || b[off]! >> 4 !== 6) return false;
  const payload = u16(b, off + 4);
  out.version = 6;
  out.fragment = false;
  for (let i = 0; i < 4; i++) {
    out.src[i] = u32(b, off + 8 + 4 * i);
    out.dst[i] = u32(b, off + 24 + 4 * i);
  }
  const start = off + 40;
  const l4End = payload > 0 ? Math.min(end, start + payload) : end;
  const wireLen = payload > 0 ? payload : end - start + wireExtra;
  let next = b[off + 6]!;
  let p = start;
  // Extension headers: hop-by-hop, routing, destination options, fragment, AH. Bounded loop.
  for (let guard = 0; guard < 16; guard++) {
    if (next === 0 || next === 43 || next === 60 || next === 51) {
      if (p + 2 > l4End) break;
      const len = next === 51 ? (b[p + 1]! + 2) * 4 : (b[p + 1]! + 1) * 8;
      next = b[p]!;
      p += len;
    } else if (next === 44) {
      if (p + 8 > l4End) break;
      out.fragment = u16(b, p + 2) >> 3 !== 0;
      next = b[p]!;
      p += 8;
    } else break;
  }
  out.proto = next;
  out.l4Off = p;
  out.l4End = Math.max(p, l4End);
  out.l4Len = Math.max(0, wireLen - (p - start));
  return true;
}

// Dispatch on the version nibble, for raw-IP link types and ICMP quotes.
export function decodeIp(b: Buffer, off: number, end: number, wireExtra: number, out: IpHeader): boolean {
  if (off >= end) return false;
  const v = b[off]! >> 4;
  if (v === 4) return decodeIpv4(b, off, end, wireExtra, out);
  if (v === 6) return decodeIpv6(b, off, end, wireExtra, out);
  return false;
}
