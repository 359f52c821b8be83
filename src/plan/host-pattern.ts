import { InputError } from '../lib/errors.js';

// Ansible's host ranges: "pve[1:3]" -> pve1 pve2 pve3, "node[01:10:3]" keeps the zero padding,
// "db-[a:c]" -> db-a db-b db-c; a name with two ranges expands both.
const RANGE = /^(.*?)\[([0-9]+|[a-z]):([0-9]+|[a-z])(?::([0-9]+))?\](.*)$/;

export function expandHostPattern(pattern: string, where: { file: string; line?: number; field?: string }): string[] {
  const m = RANGE.exec(pattern);
  if (!m) return [pattern];
  const [, head = '', from = '', to = '', stepText, tail = ''] = m;
  const step = stepText === undefined ? 1 : Number(stepText);
  const numeric = /^[0-9]+$/.test(from) && /^[0-9]+$/.test(to);
  const alpha = /^[a-z]$/.test(from) && /^[a-z]$/.test(to);
  if ((!numeric && !alpha) || step < 1) {
    throw new InputError(`host range "${pattern}" must be [N:M], [N:M:STEP] or [a:z]`, where);
  }
  const start = numeric ? Number(from) : from.charCodeAt(0);
  const end = numeric ? Number(to) : to.charCodeAt(0);
  if (end < start) throw new InputError(`host range "${pattern}" runs backwards`, where);
  if ((end - start) / step >= 1000) throw new InputError(`host range "${pattern}" expands to over 1000 hosts`, where);
  const width = numeric && from.startsWith('0') ? from.length : 0;
  const out: string[] = [];
  for (let i = start; i <= end; i += step) {
    const mid = numeric ? String(i).padStart(width, '0') : String.fromCharCode(i);
    out.push(`${head}${mid}${tail}`);
  }
  const all = out.flatMap((name) => expandHostPattern(name, where));
  // two ranges multiply: the bound holds for the whole name, not for each range
  if (all.length > 1000) throw new InputError(`host range "${pattern}" expands to over 1000 hosts`, where);
  return all;
}
