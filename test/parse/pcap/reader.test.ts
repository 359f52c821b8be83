import test from 'ava';
import { analyseCapture, PcapDecoder } from '../../../src/parse/pcap/index.js';
import { frame, globalHeader, ipv4, ipv6, pcapFile, type Rec, record, tcp } from './build.js';

const syn = (linkType: number, t: number, vlans: number[] = []): Rec => ({
  t,
  data: frame(linkType, ipv4('10.0.0.12', '10.0.0.101', 6, tcp(40000, 443, 'S', 7)), vlans),
});

for (const le of [true, false])
  for (const nano of [false, true])
    for (const linkType of [1, 113, 276, 101]) {
      test(`reads linktype ${linkType}, ${le ? 'little' : 'big'}-endian, ${nano ? 'ns' : 'µs'}`, async (t) => {
        const file = pcapFile([syn(linkType, 0.25), syn(linkType, 1.25), syn(linkType, 3.250001)], {
          le,
          nano,
          linkType,
        });
        const a = await analyseCapture(file, { file: 'x.pcap' });
        t.deepEqual(a.issues, []);
        t.is(a.format, 'pcap');
        t.is(a.linkType, linkType);
        t.is(a.nanosecond, nano);
        t.is(a.packets, 3);
        t.is(a.firstPacket, '2023-11-14T22:13:20.250000Z');
        t.is(a.lastPacket, '2023-11-14T22:13:23.250001Z');
        t.is(a.flows.length, 1);
        t.is(a.flows[0]!.key, 'tcp 10.0.0.12:40000 > 10.0.0.101:443');
        t.is(a.flows[0]!.syn, 3);
        t.deepEqual(a.flows[0]!.synTimes, [0, 1, 3.000001]);
      });
    }

for (const [name, vlans] of [
  ['802.1Q', [0x8100]],
  ['QinQ', [0x88a8, 0x8100]],
] as const) {
  test(`skips ${name} tags`, async (t) => {
    const a = await analyseCapture(pcapFile([syn(1, 0, [...vlans])]), { file: 'x.pcap' });
    t.is(a.flows[0]?.key, 'tcp 10.0.0.12:40000 > 10.0.0.101:443');
    t.is(a.nonIpPackets, 0);
  });
}

test('reads IPv6 over SLL2', async (t) => {
  const p = ipv6('fd00::12', 'fd00::101', 6, tcp(40000, 443, 'S'));
  const a = await analyseCapture(pcapFile([{ t: 0, data: frame(276, p) }], { linkType: 276 }), { file: 'x.pcap' });
  t.is(a.flows[0]?.key, 'tcp [fd00::12]:40000 > [fd00::101]:443');
  t.is(a.flows[0]?.client, 'fd00::12');
});

test('gives the same result whatever the chunk boundaries', async (t) => {
  const file = pcapFile([syn(1, 0), syn(1, 1), syn(1, 2)]);
  const whole = await analyseCapture(file, { file: 'x.pcap' });
  for (const size of [1, 3, 16, 23, 24, 25, 40, 77]) {
    async function* chunks() {
      for (let i = 0; i < file.length; i += size) yield file.subarray(i, i + size);
    }
    t.deepEqual(await analyseCapture(chunks(), { file: 'x.pcap' }), whole, `chunk size ${size}`);
  }
});

test('the decoder hands over one packet per record', (t) => {
  const seen: number[] = [];
  const d = new PcapDecoder('x.pcap', (p) => seen.push(p.ip.sport));
  d.push(pcapFile([syn(1, 0), syn(1, 1)]));
  d.end();
  t.deepEqual(seen, [40000, 40000]);
  t.is(d.packets, 2);
});

test('refuses pcapng and says how to convert it', async (t) => {
  const ng = Buffer.from('0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000', 'hex');
  const a = await analyseCapture(ng, { file: 'x.pcapng' });
  t.is(a.format, 'pcapng');
  t.is(a.packets, 0);
  t.is(a.issues[0]?.code, 'pcap-pcapng');
  t.regex(a.issues[0]!.message, /tcpdump -r in\.pcapng -w out\.pcap/);
  t.regex(a.issues[0]!.message, /editcap -F pcap/);
});

test('reports garbage as not a pcap file', async (t) => {
  const a = await analyseCapture(Buffer.from('hello, this is not a capture file at all'), { file: 'x' });
  t.is(a.format, 'unknown');
  t.is(a.issues[0]?.code, 'pcap-bad-magic');
});

test('reports an empty file and a truncated header', async (t) => {
  t.is((await analyseCapture(Buffer.alloc(0), { file: 'x' })).issues[0]?.code, 'pcap-empty');
  const a = await analyseCapture(globalHeader().subarray(0, 10), { file: 'x' });
  t.is(a.issues[0]?.code, 'pcap-truncated-header');
  t.is(a.packets, 0);
});

test('keeps the packets before a truncated last record', async (t) => {
  const file = pcapFile([syn(1, 0), syn(1, 1), syn(1, 2)]);
  for (const cut of [5, 16, 30]) {
    const a = await analyseCapture(file.subarray(0, file.length - cut), { file: 'x.pcap' });
    t.is(a.packets, 2);
    t.is(a.flows[0]?.syn, 2);
    t.is(a.issues[0]?.code, 'pcap-truncated-record');
  }
});

test('stops at a corrupt record length and keeps what came before', async (t) => {
  const bad = record({ t: 1, data: Buffer.alloc(20) });
  bad.writeUInt32LE(0x7fffffff, 8);
  const a = await analyseCapture(Buffer.concat([pcapFile([syn(1, 0)]), bad, record(syn(1, 2))]), { file: 'x' });
  t.is(a.packets, 1);
  t.is(a.issues[0]?.code, 'pcap-corrupt-record');
});

test('counts packets of an unsupported link type without decoding them', async (t) => {
  const a = await analyseCapture(pcapFile([{ t: 0, data: Buffer.alloc(30) }], { linkType: 147 }), { file: 'x' });
  t.is(a.packets, 1);
  t.is(a.flows.length, 0);
  t.is(a.issues[0]?.code, 'pcap-unsupported-linktype');
});

test('survives frames too short for their headers', async (t) => {
  const short = [
    Buffer.alloc(5),
    frame(1, ipv4('10.0.0.1', '10.0.0.2', 6, Buffer.alloc(4))),
    frame(1, Buffer.alloc(10, 0x45)),
  ];
  const a = await analyseCapture(pcapFile(short.map((data, i) => ({ t: i, data }))), { file: 'x' });
  t.is(a.packets, 3);
  t.deepEqual(a.issues, []);
});

test('reports a stream that fails while reading', async (t) => {
  async function* failing() {
    yield pcapFile([syn(1, 0)]);
    throw new Error('EIO');
  }
  const a = await analyseCapture(failing(), { file: 'x' });
  t.is(a.packets, 1);
  t.is(a.issues[0]?.code, 'pcap-read-failed');
});
