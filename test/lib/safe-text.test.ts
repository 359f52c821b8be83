import test from 'ava';
import { clip, hasUnsafe, neutralise, safeLine } from '../../src/lib/safe-text.js';

test('terminal escapes, C1 controls and bidi overrides become visible escapes', (t) => {
  t.is(neutralise('a\u001b[2Jb\u0007'), 'a\\x1b[2Jb\\x07');
  t.is(neutralise('x\u009by'), 'x\\x9by');
  t.is(neutralise('evil\u202etxt.exe'), 'evil\\u202etxt.exe');
  t.is(neutralise('keep\ttab\nand newline'), 'keep\ttab\nand newline');
  t.true(hasUnsafe('\u001b]0;title\u0007'));
  t.false(hasUnsafe('plain text, üñíçødé'));
});

test('long values are clipped with a count; one line for a terminal', (t) => {
  const long = 'x'.repeat(100_000);
  t.is(clip(long, 10), `${'x'.repeat(10)}… (99990 more characters)`);
  t.is(clip('short'), 'short');
  t.is(safeLine('a\nb\u001bc'), 'a\\nb\\x1bc');
  t.true(safeLine(long).length < 1100);
});
