import type { FwEditOp } from './types.js';

// Applies fix operations to the text of a .fw file, keeping every other line as it was, so the
// resulting diff shows only the change. Pure; ops that are already satisfied change nothing.

const HEADER = /^\s*\[([A-Za-z]+)(?:\s+[^\]]*)?\]/;

function sectionRange(lines: string[], name: string): { header: number; end: number } | null {
  const header = lines.findIndex((l) => HEADER.exec(l)?.[1]?.toUpperCase() === name);
  if (header < 0) return null;
  let end = lines.length;
  for (let i = header + 1; i < lines.length; i++) {
    if (HEADER.test(lines[i] as string)) {
      end = i;
      break;
    }
  }
  // Keep blank lines that separate sections outside the section.
  while (end > header + 1 && (lines[end - 1] as string).trim() === '') end--;
  return { header, end };
}

function addRule(lines: string[], text: string, after?: string): void {
  if (lines.some((l) => l.trim() === text)) return;
  const rules = sectionRange(lines, 'RULES');
  if (!rules) {
    while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
    if (lines.length > 0) lines.push('');
    lines.push('[RULES]', text);
    return;
  }
  const anchor =
    after === undefined ? -1 : lines.findIndex((l, i) => i > rules.header && i < rules.end && l.trim() === after);
  lines.splice(anchor >= 0 ? anchor + 1 : rules.header + 1, 0, text);
}

function setOption(lines: string[], key: string, value: string): void {
  const wanted = `${key}: ${value}`;
  const options = sectionRange(lines, 'OPTIONS');
  if (!options) {
    lines.unshift('[OPTIONS]', wanted, ...(lines.length > 0 ? [''] : []));
    return;
  }
  const keyRe = new RegExp(`^\\s*${key}\\s*:`, 'i');
  const at = lines.findIndex((l, i) => i > options.header && i < options.end && keyRe.test(l));
  if (at >= 0) lines[at] = wanted;
  else lines.splice(options.end, 0, wanted);
}

export function applyFwEdits(text: string, ops: readonly FwEditOp[]): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  for (const op of ops) {
    switch (op.op) {
      case 'add-rule':
        addRule(lines, op.text, op.after);
        break;
      case 'set-option':
        setOption(lines, op.key, op.value);
        break;
      case 'replace-line': {
        const at = lines.findIndex((l) => l.trim() === op.from.trim());
        if (at >= 0) lines[at] = op.to;
        break;
      }
      case 'remove-line': {
        const at = lines.findIndex((l) => l.trim() === op.text.trim());
        if (at >= 0) lines.splice(at, 1);
        break;
      }
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
