import test from 'ava';
import { dict, dictFrom, own } from '../../src/lib/dict.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

test('names that Object.prototype answers for are ordinary keys in a dict', (t) => {
  const d = dict<Set<string>>();
  for (const n of NAMES) {
    t.is(d[n], undefined, n);
    d[n] ??= new Set();
    d[n]?.add('h1');
  }
  t.deepEqual(Object.keys(d), NAMES);
  t.is(Object.getPrototypeOf(d), null);
  t.is(({} as Record<string, unknown>).polluted, undefined);
});

test('dictFrom keeps __proto__ as an own key and pollutes nothing', (t) => {
  const d = dictFrom([
    ['__proto__', 1],
    ['a', 2],
  ]);
  t.deepEqual(Object.keys(d), ['__proto__', 'a']);
  const proto = '__proto__';
  t.is(d[proto], 1);
  t.is(Object.getPrototypeOf(d), null);
});

test('own reads only own keys of a plain object', (t) => {
  const plain: Record<string, number> = { a: 1 };
  t.is(own(plain, 'a'), 1);
  for (const n of NAMES) t.is(own(plain, n), undefined, n);
});
