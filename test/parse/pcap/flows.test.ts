import test from 'ava';
import { analyseCapture } from '../../../src/parse/pcap/index.js';
import { ethernet, icmp, ipv4, ipv6, pcapFile, type Rec, tcp, udp } from './build.js';

const C = '10.0.0.12';
const S = '10.0.0.101';
const v4 = (t: number, src: string, dst: string, proto: number, l4: Buffer): Rec => ({
  t,
  data: ethernet(ipv4(src, dst, proto, l4)),
});
const v6 = (t: number, src: string, dst: string, proto: number, l4: Buffer, ext: [number, Buffer][] = []): Rec => ({
  t,
  data: ethernet(ipv6(src, dst, proto, l4, ext)),
});
const analyse = (recs: Rec[], hosts?: string[]) =>
  analyseCapture(pcapFile(recs), { file: 'x.pcap', hosts, capturePoint: 'vmbr0' });

test('three SYNs a second apart with no reply: unanswered, two retransmissions', async (t) => {
  const synPkt = tcp(40522, 443, 'S', 5000);
  const a = await analyse([v4(0, C, S, 6, synPkt), v4(1.01, C, S, 6, synPkt), v4(3.03, C, S, 6, synPkt)]);
  const f = a.flows[0]!;
  t.is(f.verdict, 'unanswered');
  t.is(f.syn, 3);
  t.is(f.synAck, 0);
  t.deepEqual(f.synTimes, [0, 1.01, 3.03]);
  t.deepEqual(
    f.events.map((e) => [e.summary, e.retransmission, e.dir]),
    [
      ['SYN', false, 'forward'],
      ['SYN', true, 'forward'],
      ['SYN', true, 'forward'],
    ],
  );
  t.is(f.retransmissions, 2);
  t.regex(f.note!, /before the destination guest’s firewall bridge decides/);
});

test('a RST from the server answering the SYN: refused, with the PVEFW-reject caveat', async (t) => {
  const a = await analyse([
    v4(0, C, S, 6, tcp(40522, 443, 'S', 5000)),
    v4(0.001, S, C, 6, tcp(443, 40522, 'RA', 0, 5001)),
  ]);
  const f = a.flows[0]!;
  t.is(f.verdict, 'refused');
  t.is(f.rstFrom, 'server');
  t.is(f.rst, 1);
  t.is(f.events[1]?.summary, 'RST-ACK');
  t.is(f.events[1]?.flags, 'RA');
  t.regex(f.note!, /PVEFW-reject answers TCP with a reset/);
});

test('an ICMP port unreachable quoting the SYN: rejected, matched to the flow', async (t) => {
  const synIp = ipv4(C, S, 6, tcp(40522, 8080, 'S', 5000));
  const a = await analyse([
    v4(0, C, S, 6, tcp(40522, 8080, 'S', 5000)),
    v4(0.0002, '10.0.0.1', C, 1, icmp(3, 3, synIp.subarray(0, 28))),
  ]);
  t.is(a.flows.length, 1);
  const f = a.flows[0]!;
  t.is(f.verdict, 'rejected');
  t.is(f.icmpUnreachable, 1);
  t.is(f.icmpCode, 3);
  t.is(f.icmpFrom, '10.0.0.1');
  t.deepEqual(f.events[1], {
    t: 0.0002,
    ts: '2023-11-14T22:13:20.000200Z',
    src: '10.0.0.1',
    dst: C,
    sport: null,
    dport: null,
    proto: 'icmp',
    flags: null,
    summary: 'ICMP port unreachable',
    retransmission: false,
    length: 70,
    dir: 'reverse',
  });
});

test('an ICMP admin-prohibited for a UDP flow seen only in the quote creates that flow', async (t) => {
  const dgram = ipv4(C, S, 17, udp(5353, 53, Buffer.alloc(12)));
  const a = await analyse([v4(0, S, C, 1, icmp(3, 13, dgram))]);
  const f = a.flows[0]!;
  t.is(f.key, 'udp 10.0.0.12:5353 > 10.0.0.101:53');
  t.is(f.verdict, 'rejected');
  t.is(f.events[0]?.summary, 'ICMP admin prohibited');
  t.regex(f.note!, /from the destination address itself/);
});

test('IPv6: extension headers skipped, ICMPv6 unreachable matched to the quoted flow', async (t) => {
  const c = 'fd00::12';
  const s = 'fd00::101';
  const hopByHop: [number, Buffer] = [0, Buffer.alloc(4)];
  const destOpts: [number, Buffer] = [60, Buffer.alloc(10)];
  const synPkt = tcp(40000, 443, 'S', 1);
  const quoted = ipv6(c, s, 6, synPkt);
  const a = await analyse([
    v6(0, c, s, 6, synPkt, [hopByHop, destOpts]),
    v6(0.5, 'fd00::1', c, 58, icmp(1, 1, quoted)),
  ]);
  t.is(a.flows.length, 1);
  const f = a.flows[0]!;
  t.is(f.key, 'tcp [fd00::12]:40000 > [fd00::101]:443');
  t.is(f.verdict, 'rejected');
  t.is(f.icmpCode, 1);
  t.is(f.events[1]?.summary, 'ICMPv6 admin prohibited');
  t.is(f.events[1]?.proto, 'icmpv6');
});

test('a full handshake with data both ways: connected, payload bytes counted once', async (t) => {
  const data = Buffer.alloc(100, 1);
  const a = await analyse([
    v4(0, C, S, 6, tcp(40000, 80, 'S', 999)),
    v4(0.001, S, C, 6, tcp(80, 40000, 'SA', 4999, 1000)),
    v4(0.002, C, S, 6, tcp(40000, 80, 'A', 1000, 5000)),
    v4(0.003, C, S, 6, tcp(40000, 80, 'PA', 1000, 5000, data)),
    v4(0.3, C, S, 6, tcp(40000, 80, 'PA', 1000, 5000, data)), // retransmitted
    v4(0.31, S, C, 6, tcp(80, 40000, 'PA', 5000, 1100, Buffer.alloc(50))),
    v4(0.32, C, S, 6, tcp(40000, 80, 'FA', 1100, 5050)),
  ]);
  const f = a.flows[0]!;
  t.is(f.verdict, 'connected');
  t.true(f.handshakeCompleted);
  t.is(f.bytesToServer, 100);
  t.is(f.bytesToClient, 50);
  t.deepEqual(
    f.events.map((e) => e.retransmission),
    [false, false, false, false, true, false, false],
  );
  t.is(f.events[3]?.summary, 'PSH-ACK 100 B');
  t.is(f.events[6]?.summary, 'FIN-ACK');
});

test('a capture that starts with the SYN-ACK still names the client correctly', async (t) => {
  const a = await analyse([v4(0, S, C, 6, tcp(443, 40000, 'SA', 1, 2))]);
  t.is(a.flows[0]?.client, C);
  t.is(a.flows[0]?.dport, 443);
  t.is(a.flows[0]?.events[0]?.dir, 'reverse');
});

test('UDP with a reply is connected; ping without a reply is unanswered', async (t) => {
  const a = await analyse([
    v4(0, C, S, 17, udp(5000, 53, Buffer.alloc(30))),
    v4(0.01, S, C, 17, udp(53, 5000, Buffer.alloc(60))),
    v4(0.02, C, S, 1, icmp(8, 0, Buffer.alloc(16), Buffer.from([0, 7, 0, 1]))),
  ]);
  t.deepEqual(
    a.flows.map((f) => [f.key, f.verdict, f.bytesToServer, f.bytesToClient]),
    [
      ['udp 10.0.0.12:5000 > 10.0.0.101:53', 'connected', 30, 60],
      ['icmp 10.0.0.12 > 10.0.0.101', 'unanswered', 24, 0],
    ],
  );
});

test('hosts keeps only flows touching one of them and counts the rest', async (t) => {
  const a = await analyse(
    [v4(0, C, S, 6, tcp(1, 443, 'S')), v4(0, '192.0.2.1', '192.0.2.2', 6, tcp(1, 443, 'S'))],
    ['10.0.0.101'],
  );
  t.deepEqual(
    a.flows.map((f) => f.server),
    [S],
  );
  t.is(a.filteredPackets, 1);
});

test('non-first IP fragments and unknown protocols do not break flows', async (t) => {
  const a = await analyse([
    v4(0, C, S, 17, Buffer.alloc(20)),
    { t: 1, data: ethernet(ipv4(C, S, 17, Buffer.alloc(40), { fragOffset: 10 })) },
    v4(2, C, S, 47, Buffer.alloc(8)),
  ]);
  t.is(a.packets, 3);
  t.true(a.flows.some((f) => f.proto === 'other' && f.events[0]?.summary.startsWith('IP proto 47')));
  t.true(a.flows.some((f) => f.events.some((e) => e.summary === 'IP fragment')));
});
