export type DiffKind = 'file' | 'hunk' | 'add' | 'del' | 'ctx' | 'meta';

// A unified diff, one entry per line, so the template can colour + and - without any logic.
export function diffLines(patch: string): { kind: DiffKind; text: string }[] {
  const lines = patch.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  return lines.map((text) => {
    if (text.startsWith('+++ ') || text.startsWith('--- ')) return { kind: 'file', text };
    if (text.startsWith('@@')) return { kind: 'hunk', text };
    if (text.startsWith('+')) return { kind: 'add', text };
    if (text.startsWith('-')) return { kind: 'del', text };
    if (text.startsWith('\\')) return { kind: 'meta', text };
    return { kind: 'ctx', text };
  });
}
