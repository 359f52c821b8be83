// The decoder fills one reusable packet per record, so the hot loop allocates nothing.
// A DecodedPacket is only valid during the callback that receives it.

export class IpHeader {
  version: 0 | 4 | 6 = 0; // 0 = no IP header found
  readonly src = new Uint32Array(4); // IPv4 uses word 0 only
  readonly dst = new Uint32Array(4);
  proto = -1; // IP protocol number after IPv6 extension headers
  fragment = false; // a non-first fragment: no transport header follows
  l4Off = 0; // transport header offset in the buffer
  l4End = 0; // end of captured transport bytes
  l4Len = 0; // transport length on the wire, from the IP header
  sport = -1;
  dport = -1;
}

export class DecodedPacket {
  buf: Buffer = Buffer.alloc(0);
  tsSec = 0;
  tsFrac = 0; // microseconds or nanoseconds, see PcapDecoder.nanosecond
  t = 0; // seconds since the capture's first packet
  capLen = 0;
  origLen = 0;
  readonly ip = new IpHeader();
  tcpFlags = 0;
  seq = 0;
  ack = 0;
  payOff = 0;
  payEnd = 0; // end of captured payload
  payLen = 0; // payload length on the wire
  icmpType = -1;
  icmpCode = -1;
  readonly quoted = new IpHeader(); // the packet an ICMP error quotes (version 0 if none)

  reset(): void {
    this.ip.version = 0;
    this.ip.proto = -1;
    this.ip.fragment = false;
    this.ip.sport = -1;
    this.ip.dport = -1;
    this.tcpFlags = 0;
    this.payLen = 0;
    this.payOff = 0;
    this.payEnd = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.quoted.version = 0;
  }
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
