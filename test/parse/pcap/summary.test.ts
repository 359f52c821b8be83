import test from 'ava';
import { analyseCapture, summariseFlowForReport } from '../../../src/parse/pcap/index.js';
import { CaptureObservationSchema } from '../../../src/schema/report.js';
import { ethernet, ipv4, pcapFile, tcp } from './build.js';

test('summarises a flow with times relative to its own first packet', async (t) => {
  const recs = [
    { t: 5, data: ethernet(ipv4('10.0.0.1', '10.0.0.2', 6, tcp(1, 2, 'S'))) }, // another flow first
    { t: 10, data: ethernet(ipv4('10.0.0.12', '10.0.0.101', 6, tcp(40000, 443, 'S', 1))) },
    { t: 10.5, data: ethernet(ipv4('10.0.0.101', '10.0.0.12', 6, tcp(443, 40000, 'RA', 0, 2))) },
  ];
  const a = await analyseCapture(pcapFile(recs), { file: 'x.pcap' });
  const s = summariseFlowForReport(a.flows[1]!);
  t.true(CaptureObservationSchema.safeParse(s).success);
  t.deepEqual(s.packets, [
    { t: 0, dir: 'forward', summary: 'SYN', retransmission: false },
    { t: 0.5, dir: 'reverse', summary: 'RST-ACK', retransmission: false },
  ]);
  t.is(s.verdict, 'refused');
  t.is(s.rst, 1);
  t.is(s.firstSeen, '2023-11-14T22:13:30.000000Z');
  t.is(s.note, a.flows[1]!.note);
});

test('keeps at most maxPackets packets', async (t) => {
  const recs = Array.from({ length: 10 }, (_, i) => ({
    t: i,
    data: ethernet(ipv4('10.0.0.12', '10.0.0.101', 6, tcp(1, 2, 'S', 5))),
  }));
  const a = await analyseCapture(pcapFile(recs), { file: 'x.pcap' });
  t.is(summariseFlowForReport(a.flows[0]!, { maxPackets: 4 }).packets?.length, 4);
});
