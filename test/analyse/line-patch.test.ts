import test from 'ava';
import { createTwoFilesPatch } from 'diff';
import { linePatch } from '../../src/analyse/line-patch.js';

const jsdiff = (before: string, after: string) =>
  createTwoFilesPatch('a/f', 'b/f', before, after, '', '', { context: 3 }).replace(/^=+\n/, '');

// A small deterministic generator, so a failure names a reproducible case.
function* cases(): Generator<[string, string]> {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < 3000; i++) {
    const n = rnd(12);
    const a = Array.from({ length: n }, (_, k) => `line ${k} ${rnd(3)}`);
    const b = [...a];
    const at = rnd(n + 1);
    const kind = rnd(3);
    if (kind === 0) b.splice(at, 0, `new ${i}`);
    else if (kind === 1 && n > 0) b.splice(Math.min(at, n - 1), 1);
    else if (n > 0) b[Math.min(at, n - 1)] = `changed ${i}`;
    const text = (l: string[]) => (l.length ? `${l.join('\n')}\n` : '');
    yield [text(a), text(b)];
  }
}

test('the direct patch is byte-identical to jsdiff for one-line additions, removals and replacements', (t) => {
  let checked = 0;
  for (const [before, after] of cases()) {
    const fast = linePatch('a/f', 'b/f', before, after);
    if (fast === null) continue;
    t.is(fast, jsdiff(before, after), JSON.stringify({ before, after }));
    checked++;
  }
  t.true(checked > 2000, `${checked} cases compared`);
});

test('anything else is left to jsdiff', (t) => {
  t.is(linePatch('a/f', 'b/f', 'a\nb\n', 'a\nb\n'), null);
  t.is(linePatch('a/f', 'b/f', 'a\nb', 'a\nb\nc\n'), null, 'no final newline');
  t.is(linePatch('a/f', 'b/f', 'a\nb\nc\n', 'x\nb\ny\n'), null, 'two separate changes');
});

test('thousands of one-rule steps on one file stay fast', (t) => {
  // CPU time, not wall time: the test machine is shared
  const rules = Array.from({ length: 5000 }, (_, i) => `IN ACCEPT -p tcp -dport ${i}`);
  let text = `[RULES]\n${rules.join('\n')}\n`;
  const start = process.cpuUsage();
  let made = 0;
  for (let i = 0; i < 1000; i++) {
    const next = text.replace('[RULES]\n', `[RULES]\nIN ACCEPT -p udp -dport ${i}\n`);
    if (linePatch('a/f', 'b/f', text, next)) made++;
    text = next;
  }
  const used = process.cpuUsage(start);
  t.is(made, 1000);
  t.true(used.user + used.system < 10e6, `${(used.user + used.system) / 1e3} ms CPU`);
});
