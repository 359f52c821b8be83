import test from 'ava';
import { formatIpv6, parseAddress } from '../../../src/parse/pcap/addr.js';

const cases: [string, string][] = [
  ['fd00::101', 'fd00::101'],
  ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['::1', '::1'],
  ['::', '::'],
  ['fe80:0:0:1:2:3:4:5', 'fe80::1:2:3:4:5'],
  ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
];

for (const [input, want] of cases)
  test(`IPv6 ${input} round-trips to ${want}`, (t) => {
    const p = parseAddress(input);
    t.is(p?.version, 6);
    t.is(formatIpv6(p!.words), want);
  });

test('parses IPv4 and rejects nonsense', (t) => {
  t.deepEqual([...parseAddress('10.0.0.101')!.words], [0x0a000065, 0, 0, 0]);
  for (const bad of ['10.0.0.256', 'hello', '1::2::3', '1:2:3', 'gggg::1']) t.is(parseAddress(bad), null, bad);
});
