import test from 'ava';
import { describeSequence } from '../../../src/render/svg/caption.js';
import { expectedReply, type SequenceInput, sequenceSvg } from '../../../src/render/svg/sequence.js';

const ends = {
  client: { label: 'CT 102 traefik', detail: '10.0.0.12' },
  server: { label: 'VM 1001 portainer', detail: '10.0.0.101' },
};
const syn = (t: number, retransmission: boolean) => ({ t, dir: 'forward' as const, summary: 'SYN', retransmission });
const threeSyns: SequenceInput = {
  ...ends,
  verdict: 'unanswered',
  packets: [syn(0, false), syn(1.001872, true), syn(2.003346, true)],
};

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

test('3 unanswered SYNs: 3 arrows labelled +0.00 s, +1.00 s, +2.00 s and a "no reply" band', (t) => {
  const svg = sequenceSvg(threeSyns);
  t.true(svg.startsWith('<svg') && svg.endsWith('</svg>'));
  t.is(count(svg, /<polygon /g), 4, '3 packet arrowheads + 1 for the missing reply');
  for (const label of ['+0.00 s', '+1.00 s', '+2.00 s']) t.true(svg.includes(`>${label}</text>`), label);
  t.false(svg.includes('+3.00 s'));
  t.true(svg.includes('no SYN-ACK came back'));
  t.true(svg.includes('stroke-dasharray="5 4"'), 'the band is dashed');
});

test('retransmissions are marked and numbered, the first SYN is not', (t) => {
  const svg = sequenceSvg(threeSyns);
  t.true(svg.includes('>SYN · retransmission 1<'));
  t.true(svg.includes('>SYN · retransmission 2<'));
  t.is(count(svg, /retransmission/g), 2);
  t.is(count(svg, /stroke-dasharray="7 5"/g), 3, 'two dashed retransmissions + the dashed missing reply');
});

test('an answered flow draws the reply from server to client and no missing-reply band', (t) => {
  const svg = sequenceSvg({
    ...ends,
    verdict: 'refused',
    packets: [syn(0, false), { t: 0.0003, dir: 'reverse', summary: 'RST-ACK', retransmission: false }],
  });
  t.true(svg.includes('>RST-ACK<'));
  t.false(svg.includes('came back'));
  // The RST (second row, y = 140) is red, starts at the server and points left, to the client.
  const m = /<line x1="580" y1="140" x2="([\d.]+)" y2="140" stroke="#c53030"/.exec(svg);
  t.truthy(m);
  t.true(Number(m?.[1]) < 300);
});

test('long conversations are cut with a note, so the picture stays readable', (t) => {
  const packets = Array.from({ length: 40 }, (_, i) => syn(i, i > 0));
  const svg = sequenceSvg({ ...ends, verdict: 'unanswered', packets, maxPackets: 10 });
  t.true(svg.includes('… 30 more packets not drawn'));
  t.false(svg.includes('+10.00 s'));
});

test('labels are escaped', (t) => {
  const svg = sequenceSvg({ ...threeSyns, client: { label: '<b>x</b>', detail: 'a&b' } });
  t.true(svg.includes('&lt;b&gt;x&lt;/b&gt;'));
  t.true(svg.includes('a&amp;b'));
  t.false(svg.includes('<b>'));
});

test('expectedReply names the SYN-ACK only for SYNs', (t) => {
  t.is(expectedReply(threeSyns.packets), 'SYN-ACK');
  t.is(expectedReply([{ t: 0, dir: 'forward', summary: 'UDP 53', retransmission: false }]), 'reply');
});

test('describeSequence: one plain sentence per verdict', (t) => {
  t.is(describeSequence(threeSyns), '3 connection attempts 1 s apart; no answer came back.');
  t.is(
    describeSequence({ verdict: 'unanswered', packets: [syn(0, false), syn(1, true), syn(3, true)] }),
    '3 connection attempts (at +0.00 s, +1.00 s and +3.00 s); no answer came back.',
  );
  t.is(
    describeSequence({ verdict: 'unanswered', packets: [syn(0, false)] }),
    '1 connection attempt; no answer came back.',
  );
  t.regex(
    describeSequence({
      verdict: 'refused',
      packets: [syn(0, false), { t: 0.0004, dir: 'reverse', summary: 'RST-ACK', retransmission: false }],
    }),
    /refused it after 0\.4 ms with a reset/,
  );
  t.regex(
    describeSequence({
      verdict: 'connected',
      packets: [syn(0, false), { t: 0.0012, dir: 'reverse', summary: 'SYN-ACK', retransmission: false }],
    }),
    /answered after 1\.2 ms and the connection was established/,
  );
});
