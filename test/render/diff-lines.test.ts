import test from 'ava';
import { diffLines } from '../../src/render/diff-lines.js';

test('classifies every line of a unified diff', (t) => {
  const patch = '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n\\ No newline at end of file\n';
  t.deepEqual(
    diffLines(patch).map((l) => l.kind),
    ['file', 'file', 'hunk', 'ctx', 'del', 'add', 'meta'],
  );
  t.is(diffLines(patch)[4]?.text, '-old');
});

test('CRLF patches and a missing final newline give the same lines', (t) => {
  t.deepEqual(diffLines('+a\r\n-b'), diffLines('+a\n-b\n'));
});
