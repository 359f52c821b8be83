import test from 'ava';
import { formatElapsed, formatMs, formatOffset, formatUtc } from '../../src/render/time.js';

test('formatUtc is UTC whatever the offset in the input', (t) => {
  t.is(formatUtc('2026-11-25T18:49:00Z'), '2026-11-25 18:49:00 UTC');
  t.is(formatUtc('2026-11-25T19:49:00+01:00'), '2026-11-25 18:49:00 UTC');
  t.is(formatUtc('not a date'), 'not a date');
});

test('elapsed, durations and packet offsets', (t) => {
  t.is(formatElapsed('2026-11-25T18:49:00Z', '2026-11-25T18:49:27Z'), '27 s');
  t.is(formatElapsed('2026-11-25T18:49:00Z', '2026-11-25T18:51:05Z'), '2 min 5 s');
  t.is(formatMs(402), '402 ms');
  t.is(formatMs(15003), '15.00 s');
  t.is(formatMs(null), 'n/a');
  t.is(formatOffset(1.001872), '+1.00 s');
  t.is(formatOffset(0), '+0.00 s');
});
