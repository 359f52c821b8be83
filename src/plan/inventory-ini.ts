import { InputError } from '../lib/errors.js';
import { expandHostPattern } from './host-pattern.js';
import { pythonLiteral, shellSplit } from './ini-values.js';
import type { InventoryBuilder } from './inventory-model.js';

// Ansible's INI inventory: hosts before any section are ungrouped; [g] lists hosts (with inline
// key=value vars), [g:children] lists groups, [g:vars] sets one key=value per line.
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;

export function parseIniInventory(file: string, text: string, inv: InventoryBuilder): void {
  let group = 'ungrouped';
  let kind: 'hosts' | 'children' | 'vars' = 'hosts';
  // Groups named by [g:vars] or as a child must be defined somewhere in the same file.
  const pending = new Map<string, { line: number; what: string }>();
  const defined = new Set<string>(['all', 'ungrouped']);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const where = { file, line: index + 1 };
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    if (line.startsWith('[')) {
      const m = SECTION.exec(line);
      if (!m)
        throw new InputError(`"${line}" is not a section header like [group], [group:vars] or [group:children]`, where);
      group = m[1] as string;
      const modifier = m[2];
      if (modifier !== undefined && modifier !== 'vars' && modifier !== 'children') {
        throw new InputError(
          `section [${group}:${modifier}] has an unknown type "${modifier}" (vars or children)`,
          where,
        );
      }
      kind = modifier === 'vars' ? 'vars' : modifier === 'children' ? 'children' : 'hosts';
      if (kind === 'vars') {
        if (!defined.has(group)) pending.set(group, { line: index + 1, what: `section [${group}:vars] names` });
      } else {
        inv.group(group, where);
        defined.add(group);
        pending.delete(group);
      }
      return;
    }
    if (kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0) throw new InputError(`expected key=value in [${group}:vars], got "${line}"`, where);
      const key = line.slice(0, eq).trim();
      inv.groupVar(group, key, pythonLiteral(line.slice(eq + 1).trim()), { ...where, field: key });
      return;
    }
    const words = shellSplit(line);
    if (words === null) throw new InputError('a quotation mark is not closed', where);
    const [first, ...rest] = words;
    if (first === undefined) return;
    if (kind === 'children') {
      if (rest.length > 0)
        throw new InputError(`[${group}:children] takes one group name a line, got "${line}"`, where);
      inv.child(group, first, where);
      if (!defined.has(first)) pending.set(first, { line: index + 1, what: `section [${group}:children] includes` });
      return;
    }
    const { pattern, port } = splitPort(first);
    const vars = rest.map((w) => {
      const eq = w.indexOf('=');
      if (eq <= 0) throw new InputError(`expected key=value host variable, got "${w}"`, where);
      return [w.slice(0, eq), pythonLiteral(w.slice(eq + 1))] as const;
    });
    for (const host of expandHostPattern(pattern, { file, line: index + 1, field: pattern })) {
      inv.host(host, group, where);
      if (port !== undefined) inv.hostVar(host, 'ansible_port', port, { ...where, field: 'ansible_port' });
      for (const [k, v] of vars) inv.hostVar(host, k, v, { ...where, field: k });
    }
  });
  for (const [name, at] of pending) {
    throw new InputError(`${at.what} undefined group "${name}" (add a [${name}] section)`, { file, line: at.line });
  }
}

// "pve1:2222" names host pve1 on port 2222; the colons inside a range "pve[1:3]" are not a port.
function splitPort(word: string): { pattern: string; port?: number } {
  const m = /^(.*):([0-9]+)$/.exec(word);
  if (!m) return { pattern: word };
  const head = m[1] as string;
  if (head.replace(/\[[^\]]*\]/g, '').includes(':')) return { pattern: word };
  return { pattern: head, port: Number(m[2]) };
}
