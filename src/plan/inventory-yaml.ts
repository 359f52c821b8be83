import { InputError } from '../lib/errors.js';
import { expandHostPattern } from './host-pattern.js';
import type { InventoryBuilder, Where } from './inventory-model.js';

// Ansible's YAML inventory: top-level keys are groups (usually all:), each a mapping of hosts, vars
// and children; a host maps to its vars.
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export type LineOf = (path: string[]) => number | undefined;

export function parseYamlInventory(
  file: string,
  raw: unknown,
  inv: InventoryBuilder,
  lineOf: LineOf = () => undefined,
) {
  const at = (path: string[]): Where => ({ file, line: lineOf(path), field: path.join('.') });
  if (raw === null || raw === undefined) return;
  if (!isObj(raw)) throw new InputError('an Ansible YAML inventory must be a mapping of groups (e.g. all:)', at([]));

  const mapping = (v: unknown, path: string[]): [string, unknown][] => {
    if (v === null || v === undefined) return [];
    if (!isObj(v)) throw new InputError('expected a mapping', at(path));
    return Object.entries(v);
  };

  const walk = (name: string, node: unknown, path: string[]) => {
    if (node !== null && node !== undefined && !isObj(node)) {
      throw new InputError('a group must be a mapping with hosts, vars or children', at(path));
    }
    inv.group(name, at(path));
    const entries = mapping(node, path);
    for (const [key] of entries) {
      if (key !== 'hosts' && key !== 'vars' && key !== 'children') {
        throw new InputError(`unknown key "${key}" (a group has hosts, vars and children)`, at([...path, key]));
      }
    }
    const get = (k: string) => entries.find(([key]) => key === k)?.[1];
    for (const [k, v] of mapping(get('vars'), [...path, 'vars'])) inv.groupVar(name, k, v, at([...path, 'vars', k]));
    for (const [pattern, hv] of mapping(get('hosts'), [...path, 'hosts'])) {
      const hpath = [...path, 'hosts', pattern];
      const own = mapping(hv, hpath);
      for (const host of expandHostPattern(pattern, at(hpath))) {
        inv.host(host, name, at(hpath));
        for (const [k, v] of own) inv.hostVar(host, k, v, at([...hpath, k]));
      }
    }
    for (const [child, cnode] of mapping(get('children'), [...path, 'children'])) {
      const cpath = [...path, 'children', child];
      inv.child(name, child, at(cpath));
      walk(child, cnode, cpath);
    }
  };
  for (const [name, node] of Object.entries(raw)) walk(name, node, [name]);
}
