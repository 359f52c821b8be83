// Builds pcap bytes in memory for tests: global header (LE/BE, µs/ns), records, link layers
// (Ethernet with 802.1Q/QinQ, Linux cooked SLL/SLL2, raw), IPv4/IPv6, TCP/UDP/ICMP/ICMPv6, TLS.

export interface PcapOptions {
  le?: boolean; // default true
  nano?: boolean;
  linkType?: number; // default 1
  snaplen?: number;
}

export interface Rec {
  t: number; // seconds (float) since 1_700_000_000
  data: Buffer;
  origLen?: number;
}

const EPOCH = 1_700_000_000;

export function globalHeader(o: PcapOptions = {}): Buffer {
  const b = Buffer.alloc(24);
  const le = o.le ?? true;
  const w32 = (v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const w16 = (v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  w32(o.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(2, 4);
  w16(4, 6);
  w32(o.snaplen ?? 262144, 16);
  w32(o.linkType ?? 1, 20);
  return b;
}

export function record(r: Rec, o: PcapOptions = {}): Buffer {
  const b = Buffer.alloc(16);
  const le = o.le ?? true;
  const w32 = (v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const sec = Math.floor(r.t);
  const frac = Math.round((r.t - sec) * (o.nano ? 1e9 : 1e6));
  w32(EPOCH + sec, 0);
  w32(frac, 4);
  w32(r.data.length, 8);
  w32(r.origLen ?? r.data.length, 12);
  return Buffer.concat([b, r.data]);
}

export function pcapFile(records: Rec[], o: PcapOptions = {}): Buffer {
  return Buffer.concat([globalHeader(o), ...records.map((r) => record(r, o))]);
}

function ipv4Bytes(a: string): number[] {
  return a.split('.').map(Number);
}

function ipv6Bytes(a: string): number[] {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 255];
  });
}

export function ipv4(
  src: string,
  dst: string,
  proto: number,
  payload: Buffer,
  o: { fragOffset?: number } = {},
): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE((o.fragOffset ?? 0) & 0x1fff, 6);
  h[8] = 64;
  h[9] = proto;
  Buffer.from(ipv4Bytes(src)).copy(h, 12);
  Buffer.from(ipv4Bytes(dst)).copy(h, 16);
  return Buffer.concat([h, payload]);
}

// `ext` are extension headers as [type, body]; each body is padded to a multiple of 8 with its length byte.
export function ipv6(src: string, dst: string, proto: number, payload: Buffer, ext: [number, Buffer][] = []): Buffer {
  const types = [...ext.map((e) => e[0]), proto];
  const exts = ext.map(([, body], i) => {
    const len = Math.ceil((body.length + 2) / 8) * 8;
    const b = Buffer.alloc(len);
    b[0] = types[i + 1]!;
    b[1] = len / 8 - 1;
    body.copy(b, 2);
    return b;
  });
  const rest = Buffer.concat([...exts, payload]);
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(rest.length, 4);
  h[6] = types[0]!;
  h[7] = 64;
  Buffer.from(ipv6Bytes(src)).copy(h, 8);
  Buffer.from(ipv6Bytes(dst)).copy(h, 24);
  return Buffer.concat([h, rest]);
}

const FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32 };

export function tcp(
  sport: number,
  dport: number,
  flags: string,
  seq = 1000,
  ack = 0,
  payload: Buffer = Buffer.alloc(0),
): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(seq >>> 0, 4);
  h.writeUInt32BE(ack >>> 0, 8);
  h[12] = 5 << 4;
  h[13] = [...flags].reduce((a, c) => a | (FLAG_BITS[c] ?? 0), 0);
  h.writeUInt16BE(65535, 14);
  return Buffer.concat([h, payload]);
}

export function udp(sport: number, dport: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

// ICMP/ICMPv6 message; for errors, `body` is the quoted packet (4 unused bytes are added).
export function icmp(type: number, code: number, body: Buffer, rest = Buffer.alloc(4)): Buffer {
  return Buffer.concat([Buffer.from([type, code, 0, 0]), rest, body]);
}

export function ethernet(ip: Buffer, vlans: number[] = []): Buffer {
  const mac = Buffer.from([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
  const tags = vlans.map((tpid, i) => {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(tpid, 0);
    t.writeUInt16BE(10 + i, 2);
    return t;
  });
  // Each tag's TPID sits where the ethertype would; the real ethertype follows the last tag.
  const et = Buffer.alloc(2);
  et.writeUInt16BE(ip[0]! >> 4 === 6 ? 0x86dd : 0x0800, 0);
  const parts: Buffer[] = [mac];
  for (const t of tags) parts.push(t.subarray(0, 2), t.subarray(2, 4));
  parts.push(et, ip);
  return Buffer.concat(parts);
}

export function sll(ip: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(4, 0); // sent by us
  h.writeUInt16BE(1, 2); // ARPHRD_ETHER
  h.writeUInt16BE(6, 4);
  h.writeUInt16BE(ip[0]! >> 4 === 6 ? 0x86dd : 0x0800, 14);
  return Buffer.concat([h, ip]);
}

export function sll2(ip: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(ip[0]! >> 4 === 6 ? 0x86dd : 0x0800, 0);
  h.writeUInt32BE(3, 4); // interface index
  h.writeUInt16BE(1, 8);
  h[10] = 4;
  h[11] = 6;
  return Buffer.concat([h, ip]);
}

export function frame(linkType: number, ip: Buffer, vlans: number[] = []): Buffer {
  if (linkType === 1) return ethernet(ip, vlans);
  if (linkType === 113) return sll(ip);
  if (linkType === 276) return sll2(ip);
  return ip;
}

function withLen16(b: Buffer): Buffer {
  const l = Buffer.alloc(2);
  l.writeUInt16BE(b.length, 0);
  return Buffer.concat([l, b]);
}

function handshake(type: number, body: Buffer): Buffer {
  const h = Buffer.from([type, 0, 0, 0]);
  h.writeUIntBE(body.length, 1, 3);
  return Buffer.concat([h, body]);
}

export function tlsRecord(type: number, body: Buffer): Buffer {
  const h = Buffer.from([type, 3, 3, 0, 0]);
  h.writeUInt16BE(body.length, 3);
  return Buffer.concat([h, body]);
}

function ext(type: number, body: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(body.length, 2);
  return Buffer.concat([h, body]);
}

export function clientHello(sni: string | null): Buffer {
  const exts: Buffer[] = [ext(0x000a, Buffer.from([0, 2, 0, 0x1d]))];
  if (sni !== null) {
    const name = Buffer.from(sni, 'latin1');
    const entry = Buffer.concat([Buffer.from([0]), withLen16(name)]);
    exts.unshift(ext(0, withLen16(entry)));
  }
  const body = Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32, 7),
    Buffer.from([0]), // session id
    withLen16(Buffer.from([0x13, 0x01, 0x13, 0x02])),
    Buffer.from([1, 0]), // compression
    withLen16(Buffer.concat(exts)),
  ]);
  return tlsRecord(22, handshake(1, body));
}

export function serverHello(tls13: boolean): Buffer {
  const exts = tls13 ? withLen16(ext(0x2b, Buffer.from([3, 4]))) : withLen16(Buffer.alloc(0));
  const body = Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32, 9),
    Buffer.from([0]),
    Buffer.from([0x13, 0x01, 0]),
    exts,
  ]);
  return tlsRecord(22, handshake(2, body));
}

export function certificate(): Buffer {
  return tlsRecord(22, handshake(11, Buffer.from([0, 0, 3, 0, 0, 0])));
}

export function appData(n = 40): Buffer {
  return tlsRecord(23, Buffer.alloc(n, 0xaa));
}
