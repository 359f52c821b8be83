import test from 'ava';
import { analyseCapture } from '../../../src/parse/pcap/index.js';
import { appData, certificate, clientHello, ethernet, ipv4, pcapFile, type Rec, serverHello, tcp } from './build.js';

const C = '10.0.0.12';
const S = '10.0.0.101';
const up = (t: number, seq: number, ack: number, flags: string, data?: Buffer): Rec => ({
  t,
  data: ethernet(ipv4(C, S, 6, tcp(40000, 443, flags, seq, ack, data))),
});
const down = (t: number, seq: number, ack: number, flags: string, data?: Buffer): Rec => ({
  t,
  data: ethernet(ipv4(S, C, 6, tcp(443, 40000, flags, seq, ack, data))),
});

function session(server: Buffer[], sni: string | null = 'portainer.internal.thinkheads.ai'): Rec[] {
  const hello = clientHello(sni);
  const recs: Rec[] = [up(0, 99, 0, 'S'), down(0.001, 499, 100, 'SA'), up(0.002, 100, 500, 'A')];
  // The ClientHello split over two segments, as a large one would be.
  recs.push(up(0.003, 100, 500, 'A', hello.subarray(0, 20)), up(0.004, 120, 500, 'PA', hello.subarray(20)));
  let seq = 500;
  server.forEach((b, i) => {
    recs.push(down(0.01 + i * 0.001, seq, 100 + hello.length, 'PA', b));
    seq += b.length;
  });
  return recs;
}

const flowOf = async (recs: Rec[]) => (await analyseCapture(pcapFile(recs), { file: 'x.pcap' })).flows[0]!;

test('reads the SNI from a ClientHello split over two segments', async (t) => {
  const f = await flowOf(session([]));
  t.is(f.sni, 'portainer.internal.thinkheads.ai');
  t.is(f.events[4]?.summary, 'TLS ClientHello sni=portainer.internal.thinkheads.ai');
  t.is(f.certificateVisibility, 'none');
  t.false(f.serverAnsweredTls);
  t.regex(f.note!, /no server TLS reply captured/);
});

test('a ClientHello without SNI is still recognised', async (t) => {
  const f = await flowOf(session([], null));
  t.is(f.sni, null);
  t.is(f.events[4]?.summary, 'TLS ClientHello');
});

test('TLS 1.2: the Certificate travels in clear and is seen', async (t) => {
  const f = await flowOf(session([Buffer.concat([serverHello(false), certificate()])]));
  t.true(f.serverCertificateSeen);
  t.is(f.certificateVisibility, 'seen');
  t.is(f.tlsVersion, 'TLSv1.2');
  t.true(f.serverAnsweredTls);
  t.is(f.events.at(-1)?.summary, 'TLS ServerHello TLSv1.2, TLS Certificate');
});

test('TLS 1.3: ServerHello then encrypted records: server answered, certificate not visible', async (t) => {
  const f = await flowOf(session([serverHello(true), Buffer.concat([Buffer.from([20, 3, 3, 0, 1, 1]), appData()])]));
  t.false(f.serverCertificateSeen);
  t.is(f.certificateVisibility, 'encrypted');
  t.is(f.tlsVersion, 'TLSv1.3');
  t.true(f.serverAnsweredTls);
  t.regex(f.note!, /certificate is encrypted in TLS 1\.3/);
});

test('plain HTTP is not mistaken for TLS', async (t) => {
  const recs: Rec[] = [
    up(0, 99, 0, 'S'),
    down(0.001, 499, 100, 'SA'),
    up(0.003, 100, 500, 'PA', Buffer.from('GET / HTTP/1.1\r\n\r\n')),
  ];
  const f = await flowOf(recs);
  t.is(f.sni, null);
  t.is(f.certificateVisibility, undefined);
  t.is(f.events[2]?.summary, 'PSH-ACK 18 B');
});
