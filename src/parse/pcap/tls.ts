import { u16, u24 } from './bytes.js';

// Watches the first bytes of a TCP flow for a TLS handshake: the ClientHello's SNI, the ServerHello's
// version, a plaintext Certificate (TLS 1.2) and encrypted records from the server (TLS 1.3 hides the
// certificate). Only in-order bytes are fed; each side keeps at most LIMIT bytes, then stops.

const LIMIT = 16384;
const REC_HANDSHAKE = 22;
const REC_APPDATA = 23;
const REC_ALERT = 21;

const VERSIONS: Record<number, string> = {
  768: 'SSLv3',
  769: 'TLSv1.0',
  770: 'TLSv1.1',
  771: 'TLSv1.2',
  772: 'TLSv1.3',
};

interface Side {
  buf: Buffer | null;
  len: number;
  done: boolean;
}

export class TlsSniffer {
  clientHello = false;
  sni: string | null = null;
  serverHello = false;
  version: string | null = null;
  certificate = false;
  serverEncrypted = false;
  alert: number | null = null;
  private readonly sides: [Side, Side] = [
    { buf: null, len: 0, done: false },
    { buf: null, len: 0, done: false },
  ];

  // Whether this side still wants bytes (false once decided or not TLS).
  wants(dir: 0 | 1): boolean {
    return !this.sides[dir].done;
  }

  // Feeds in-order payload; returns a label for the packet that completed something, else null.
  feed(dir: 0 | 1, b: Buffer, off: number, end: number): string | null {
    const side = this.sides[dir];
    if (side.done || end <= off) return null;
    if (side.len === 0 && b[off] !== REC_HANDSHAKE) {
      side.done = true;
      return null;
    }
    const take = Math.min(end - off, LIMIT - side.len);
    side.buf ??= Buffer.alloc(LIMIT);
    b.copy(side.buf, side.len, off, off + take);
    side.len += take;
    const label = dir === 0 ? this.parseClient(side) : this.parseServer(side);
    if (side.done || side.len >= LIMIT) {
      side.done = true;
      side.buf = null;
    }
    return label;
  }

  // Concatenated bodies of the complete handshake records at the start of the stream, plus what followed.
  private records(side: Side, onRecord: (type: number, body: Buffer) => boolean): void {
    const b = side.buf!;
    let o = 0;
    while (o + 5 <= side.len) {
      const type = b[o]!;
      const len = u16(b, o + 3);
      if (type < 20 || type > 24 || b[o + 1] !== 3) {
        side.done = true;
        return;
      }
      if (o + 5 + len > side.len) return;
      if (!onRecord(type, b.subarray(o + 5, o + 5 + len))) return;
      o += 5 + len;
    }
  }

  private parseClient(side: Side): string | null {
    const hs: Buffer[] = [];
    this.records(side, (type, body) => {
      if (type !== REC_HANDSHAKE) return false;
      hs.push(body);
      return true;
    });
    const msg = Buffer.concat(hs);
    if (msg.length < 4) return null;
    if (msg[0] !== 1) {
      side.done = true;
      return null;
    }
    const len = u24(msg, 1);
    if (msg.length < 4 + len) return null;
    this.clientHello = true;
    this.sni = clientHelloSni(msg.subarray(4, 4 + len));
    side.done = true;
    return this.sni ? `TLS ClientHello sni=${this.sni}` : 'TLS ClientHello';
  }

  private parseServer(side: Side): string | null {
    const labels: string[] = [];
    const hs: Buffer[] = [];
    this.records(side, (type, body) => {
      if (type === REC_HANDSHAKE) hs.push(body);
      else if (type === REC_APPDATA && this.serverHello && !this.serverEncrypted) {
        this.serverEncrypted = true;
        labels.push('TLS encrypted records');
      } else if (type === REC_ALERT && body.length >= 2 && this.alert === null) {
        this.alert = body[1]!;
        labels.push(`TLS alert ${this.alert}`);
      }
      return true;
    });
    const msg = Buffer.concat(hs);
    for (let o = 0; o + 4 <= msg.length; ) {
      const type = msg[o]!;
      const len = u24(msg, o + 1);
      if (type === 2 && !this.serverHello && o + 4 + len <= msg.length) {
        this.serverHello = true;
        this.version = serverHelloVersion(msg.subarray(o + 4, o + 4 + len));
        labels.push(`TLS ServerHello${this.version ? ` ${this.version}` : ''}`);
      } else if (type === 11 && !this.certificate) {
        this.certificate = true;
        labels.push('TLS Certificate');
      }
      o += 4 + len;
    }
    if (this.certificate || this.serverEncrypted || this.alert !== null) side.done = true;
    return labels.length > 0 ? labels.join(', ') : null;
  }
}

// Walks extensions; calls back per extension with its body. Tolerates truncation.
function extensions(body: Buffer, start: number, each: (type: number, ext: Buffer) => void): void {
  if (start + 2 > body.length) return;
  const end = Math.min(body.length, start + 2 + u16(body, start));
  for (let o = start + 2; o + 4 <= end; ) {
    const type = u16(body, o);
    const len = u16(body, o + 2);
    each(type, body.subarray(o + 4, Math.min(end, o + 4 + len)));
    o += 4 + len;
  }
}

export function clientHelloSni(body: Buffer): string | null {
  // version(2) random(32) session_id(1+n) cipher_suites(2+n) compression(1+n) extensions(2+n)
  let o = 34;
  if (o + 1 > body.length) return null;
  o += 1 + body[o]!;
  if (o + 2 > body.length) return null;
  o += 2 + u16(body, o);
  if (o + 1 > body.length) return null;
  o += 1 + body[o]!;
  let sni: string | null = null;
  extensions(body, o, (type, ext) => {
    // server_name_list(2) then entries: type(1) length(2) name; type 0 = host_name
    if (type !== 0 || sni !== null || ext.length < 5 || ext[2] !== 0) return;
    const len = u16(ext, 3);
    if (5 + len <= ext.length) sni = ext.toString('latin1', 5, 5 + len);
  });
  return sni;
}

export function serverHelloVersion(body: Buffer): string | null {
  if (body.length < 2) return null;
  let version = u16(body, 0);
  let o = 34;
  if (o + 1 <= body.length) {
    o += 1 + body[o]! + 3; // session_id, cipher_suite(2), compression(1)
    extensions(body, o, (type, ext) => {
      if (type === 0x2b && ext.length >= 2) version = u16(ext, 0); // supported_versions
    });
  }
  return VERSIONS[version] ?? `0x${version.toString(16)}`;
}
