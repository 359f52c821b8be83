import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { analyseCapture, summariseFlowForReport } from '../../../src/parse/pcap/index.js';

// Captures written by real tcpdump (test/fixtures/pcap/make.sh): curl from 10.0.0.12 to 10.0.0.101.
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/pcap/${name}`, import.meta.url));
const read = (name: string) =>
  analyseCapture(createReadStream(fixture(name)), { file: `capture/${name}`, capturePoint: 'vmbr0' });

test('drop.pcap: three SYNs about a second apart, unanswered', async (t) => {
  const a = await read('drop.pcap');
  t.deepEqual(a.issues, []);
  t.is(a.linkType, 1);
  const tcp = a.flows.filter((f) => f.proto === 'tcp');
  t.is(tcp.length, 1);
  const f = tcp[0]!;
  t.is(f.server, '10.0.0.101');
  t.is(f.dport, 443);
  t.is(f.syn, 3);
  t.is(f.synAck, 0);
  t.is(f.verdict, 'unanswered');
  const [a0, a1, a2] = f.synTimes!;
  t.is(a0, 0);
  t.true(Math.abs(a1! - 1) < 0.2, `second SYN at ${a1}`);
  t.true(Math.abs(a2! - a1! - 1) < 0.2, `third SYN at ${a2}`);
  const s = summariseFlowForReport(f);
  t.deepEqual(
    s.packets!.map((p) => [p.dir, p.summary, p.retransmission]),
    [
      ['forward', 'SYN', false],
      ['forward', 'SYN', true],
      ['forward', 'SYN', true],
    ],
  );
});

test('refused.pcap: SYN answered by RST-ACK from the server', async (t) => {
  const f = (await read('refused.pcap')).flows[0]!;
  t.is(f.verdict, 'refused');
  t.is(f.rstFrom, 'server');
  t.is(f.dport, 8443);
});

test('rejected.pcap: ICMP port unreachable from the server quoting the SYN', async (t) => {
  const f = (await read('rejected.pcap')).flows[0]!;
  t.is(f.verdict, 'rejected');
  t.is(f.icmpCode, 3);
  t.is(f.icmpFrom, '10.0.0.101');
});

test('tls.pcap and tls12.pcap: SNI, and the certificate visible only with TLS 1.2', async (t) => {
  const f13 = (await read('tls.pcap')).flows[0]!;
  const f12 = (await read('tls12.pcap')).flows[0]!;
  for (const f of [f13, f12]) {
    t.is(f.verdict, 'connected');
    t.true(f.handshakeCompleted);
    t.is(f.sni, 'portainer.internal.test');
    t.true(f.serverAnsweredTls);
  }
  t.is(f13.tlsVersion, 'TLSv1.3');
  t.is(f13.certificateVisibility, 'encrypted');
  t.is(f12.tlsVersion, 'TLSv1.2');
  t.true(f12.serverCertificateSeen);
});
