// The SSH wire encoding (RFC 4251 section 5): uint32, string and mpint, as SSHSIG, key files and the
// agent protocol use it. Reading past the end throws, so a truncated blob never reads as valid.

export class WireReader {
  private at = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.at >= this.buf.length;
  }

  bytes(n: number): Buffer {
    if (n < 0 || this.at + n > this.buf.length) throw new WireError(`${this.what} is truncated`);
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  byte(): number {
    return this.bytes(1)[0] as number;
  }

  uint32(): number {
    return this.bytes(4).readUInt32BE(0);
  }

  string(): Buffer {
    return this.bytes(this.uint32());
  }

  text(): string {
    return this.string().toString('utf8');
  }

  // An mpint as unsigned big-endian bytes without the sign-padding zero.
  mpint(): Buffer {
    const b = this.string();
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    return b.subarray(i);
  }

  rest(): Buffer {
    return this.bytes(this.buf.length - this.at);
  }
}

export class WireError extends Error {}

export function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

export function string(data: Buffer | string): Buffer {
  const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([uint32(b.length), b]);
}

// Unsigned magnitude -> mpint: leading zeros dropped, one zero added when the top bit is set.
export function mpint(magnitude: Buffer): Buffer {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return string(m.length > 0 && (m[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), m]) : m);
}

export const concat = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
