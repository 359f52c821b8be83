import type { Issue } from '../../schema/common.js';
import { decodeLink, linkTypeSupported } from './link.js';
import { DecodedPacket } from './packet.js';
import { decodeTransport } from './transport.js';

// Streaming reader for classic pcap: push chunks of any size, get one decoded packet per record.
// Only a partial record is ever copied (into `carry`); everything else is read in place.

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
// Beyond this a record length is corrupt rather than large (tcpdump's own limit is 256 KiB).
const MAX_RECORD = 16 * 1024 * 1024;

export type PacketHandler = (packet: DecodedPacket) => void;
type Format = 'pcap' | 'pcapng' | 'unknown';

export class PcapDecoder {
  readonly issues: Issue[] = [];
  format: Format = 'unknown';
  linkType: number | null = null;
  nanosecond = false;
  snapLen = 0;
  packets = 0;
  firstSec = -1;
  firstFrac = 0;
  lastSec = -1;
  lastFrac = 0;
  stopped = false;
  private headerDone = false;
  private le = true;
  private carry = Buffer.alloc(0);
  private carryLen = 0;
  private maxRecord = 262144;
  private offset = 0; // file offset of the next unit, for messages
  private readonly packet = new DecodedPacket();

  constructor(
    private readonly file: string,
    private readonly onPacket: PacketHandler,
  ) {}

  push(chunk: Buffer): void {
    if (this.stopped || chunk.length === 0) return;
    let off = 0;
    if (this.carryLen > 0) {
      off = this.completeCarry(chunk);
      if (off < 0) return;
    }
    const n = chunk.length;
    while (off < n && !this.stopped) {
      const size = this.unitSize(chunk, off, n - off);
      if (size < 0) return;
      if (n - off < size) {
        this.stash(chunk, off, n);
        return;
      }
      this.consume(chunk, off, size);
      off += size;
    }
  }

  // Call once after the last chunk: a partial unit left over means the file was cut short.
  end(): void {
    if (this.stopped) return;
    if (!this.headerDone) {
      this.issue(
        this.carryLen === 0 ? 'pcap-empty' : 'pcap-truncated-header',
        this.carryLen === 0
          ? 'the capture file is empty'
          : `the capture file ends inside its ${GLOBAL_HEADER}-byte header (${this.carryLen} bytes)`,
      );
    } else if (this.carryLen > 0) {
      this.issue(
        'pcap-truncated-record',
        `the last record at byte ${this.offset} is cut short (${this.carryLen} bytes present); ${this.packets} packets were read before it`,
        'warning',
      );
    }
    this.carryLen = 0;
    this.stopped = true;
  }

  // Returns the chunk offset after the carried unit, or -1 when the chunk did not complete it.
  private completeCarry(chunk: Buffer): number {
    let off = 0;
    for (;;) {
      const size = this.unitSize(this.carry, 0, this.carryLen);
      if (size < 0) return -1;
      const want = size - this.carryLen;
      if (want <= 0) break;
      const take = Math.min(want, chunk.length - off);
      this.ensureCarry(size);
      chunk.copy(this.carry, this.carryLen, off, off + take);
      this.carryLen += take;
      off += take;
      if (this.carryLen < size) return -1;
    }
    const size = this.carryLen;
    this.carryLen = 0;
    this.consume(this.carry, 0, size);
    return this.stopped ? -1 : off;
  }

  private stash(chunk: Buffer, from: number, to: number): void {
    this.ensureCarry(Math.max(to - from, GLOBAL_HEADER));
    chunk.copy(this.carry, 0, from, to);
    this.carryLen = to - from;
  }

  private ensureCarry(size: number): void {
    if (this.carry.length >= size) return;
    const next = Buffer.alloc(Math.max(size, this.carry.length * 2, 65536));
    this.carry.copy(next, 0, 0, this.carryLen);
    this.carry = next;
  }

  private read32(b: Buffer, o: number): number {
    return this.le ? b.readUInt32LE(o) : b.readUInt32BE(o);
  }

  // Size of the unit starting at `o`: the global header, a record header, or a whole record; -1 = corrupt.
  private unitSize(b: Buffer, o: number, avail: number): number {
    if (!this.headerDone) return GLOBAL_HEADER;
    if (avail < RECORD_HEADER) return RECORD_HEADER;
    const incl = this.read32(b, o + 8);
    if (incl > this.maxRecord) {
      this.issue(
        'pcap-corrupt-record',
        `record at byte ${this.offset} claims ${incl} bytes, more than the snap length allows; the file is corrupt from there on (${this.packets} packets read before it)`,
      );
      this.stopped = true;
      return -1;
    }
    return RECORD_HEADER + incl;
  }

  private consume(b: Buffer, o: number, size: number): void {
    if (this.headerDone) this.record(b, o, size);
    else this.globalHeader(b, o);
    this.offset += size;
  }

  private globalHeader(b: Buffer, o: number): void {
    const magic = b.readUInt32BE(o);
    if (magic === 0x0a0d0d0a) {
      this.format = 'pcapng';
      this.issue(
        'pcap-pcapng',
        'this is a pcapng file, which is not read; convert it to classic pcap with `tcpdump -r in.pcapng -w out.pcap` or `editcap -F pcap in.pcapng out.pcap`, or capture with tcpdump, which writes classic pcap',
      );
      this.stopped = true;
      return;
    }
    const known: Record<number, [boolean, boolean]> = {
      3569595041: [true, false],
      2712847316: [false, false],
      1295823521: [true, true],
      2712812621: [false, true],
    };
    const kind = known[magic];
    if (!kind) {
      this.issue('pcap-bad-magic', `not a pcap file: magic 0x${magic.toString(16).padStart(8, '0')}`);
      this.stopped = true;
      return;
    }
    [this.le, this.nanosecond] = kind;
    this.format = 'pcap';
    this.headerDone = true;
    this.snapLen = this.read32(b, o + 16);
    this.maxRecord = Math.min(MAX_RECORD, Math.max(262144, this.snapLen));
    this.linkType = this.read32(b, o + 20) & 0xffff;
    if (!linkTypeSupported(this.linkType))
      this.issue(
        'pcap-unsupported-linktype',
        `link type ${this.linkType} is not decoded; packets are counted but no flows are built (supported: Ethernet 1, Linux cooked 113/276, raw IP 101, loopback 0/108)`,
        'warning',
      );
  }

  private record(b: Buffer, o: number, size: number): void {
    const p = this.packet;
    p.reset();
    p.buf = b;
    p.tsSec = this.read32(b, o);
    p.tsFrac = this.read32(b, o + 4);
    p.capLen = size - RECORD_HEADER;
    p.origLen = this.read32(b, o + 12);
    if (this.firstSec < 0) {
      this.firstSec = p.tsSec;
      this.firstFrac = p.tsFrac;
    }
    this.lastSec = p.tsSec;
    this.lastFrac = p.tsFrac;
    p.t = p.tsSec - this.firstSec + (p.tsFrac - this.firstFrac) / (this.nanosecond ? 1e9 : 1e6);
    this.packets++;
    decodeLink(p, this.linkType ?? -1, o + RECORD_HEADER, o + size);
    if (p.ip.version !== 0) decodeTransport(p);
    this.onPacket(p);
  }

  private issue(code: string, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.issues.push({ file: this.file, severity, code, message });
  }
}
