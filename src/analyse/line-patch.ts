// A unified diff for the one-region edits runbook steps make (a rule added, a line replaced or
// removed), written directly: jsdiff's general diff per step made thousands of steps on one file
// quadratic (issue 11). Returns null for anything else, so the caller falls back to jsdiff; the
// output is byte-identical to jsdiff's createTwoFilesPatch (context 3) without its "====" line.
export function linePatch(oldName: string, newName: string, before: string, after: string): string | null {
  const lines = (text: string) => (text === '' ? [] : text.slice(0, -1).split('\n'));
  if ((before !== '' && !before.endsWith('\n')) || (after !== '' && !after.endsWith('\n'))) return null;
  const a = lines(before);
  const b = lines(after);
  const min = Math.min(a.length, b.length);
  let p = 0;
  while (p < min && a[p] === b[p]) p++;
  let s = 0;
  while (s < min - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const removed = a.slice(p, a.length - s);
  const added = b.slice(p, b.length - s);
  if (removed.length + added.length === 0) return null;
  if (removed.length > 0 && added.length > 0 && !(removed.length === 1 && added.length === 1)) return null;
  const start = Math.max(0, p - 3);
  const lead = a.slice(start, p);
  const tail = a.slice(a.length - s, Math.min(a.length, a.length - s + 3));
  const oldLines = lead.length + removed.length + tail.length;
  const newLines = lead.length + added.length + tail.length;
  const header = `@@ -${oldLines === 0 ? start : start + 1},${oldLines} +${newLines === 0 ? start : start + 1},${newLines} @@`;
  const body = [
    ...lead.map((l) => ` ${l}`),
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
    ...tail.map((l) => ` ${l}`),
  ];
  return `--- ${oldName}\n+++ ${newName}\n${header}\n${body.join('\n')}\n`;
}
