import { InputError } from '../lib/errors.js';
import type { InventoryBuilder, Where } from './inventory-model.js';
import type { LineOf } from './inventory-yaml.js';

// The JSON of `ansible-inventory -i SOURCE --list` (what dynamic inventory scripts print too): every
// top-level key but _meta is a group {hosts: [..], children: [..], vars: {..}} (or just a list of
// hosts), and _meta.hostvars maps each host to its variables. With --export group vars stay in the
// groups; without it they are already merged into hostvars. Either way this gives the same hosts.
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isListJson(raw: unknown): boolean {
  if (!isObj(raw)) return false;
  if (Object.hasOwn(raw, '_meta')) return true;
  return Object.values(raw).some(
    (g) => Array.isArray(g) || (isObj(g) && (Array.isArray(g.hosts) || Array.isArray(g.children))),
  );
}

export function parseListJson(file: string, raw: unknown, inv: InventoryBuilder, lineOf: LineOf = () => undefined) {
  const at = (path: string[]): Where => ({ file, line: lineOf(path), field: path.join('.') });
  if (!isObj(raw)) throw new InputError('expected the JSON object ansible-inventory --list prints', at([]));
  const names = (v: unknown, path: string[]): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw new InputError('expected a list of names', at(path));
    }
    return v as string[];
  };
  const entries = Object.entries(raw).filter(([k]) => k !== '_meta');
  for (const [name] of entries) inv.group(name, at([name]));
  for (const [name, g] of entries) {
    const path = [name];
    const body: Obj = Array.isArray(g) ? { hosts: g } : isObj(g) ? g : {};
    if (!Array.isArray(g) && !isObj(g) && g !== null)
      throw new InputError('a group must be an object or a list of hosts', at(path));
    for (const key of Object.keys(body)) {
      if (key !== 'hosts' && key !== 'children' && key !== 'vars') {
        throw new InputError(`unknown key "${key}" (a group has hosts, children and vars)`, at([...path, key]));
      }
    }
    names(body.hosts, [...path, 'hosts']).forEach((h, i) => {
      inv.host(h, name, at([...path, 'hosts', String(i)]));
    });
    names(body.children, [...path, 'children']).forEach((c, i) => {
      if (c !== 'ungrouped' || name !== 'all') inv.child(name, c, at([...path, 'children', String(i)]));
    });
    if (body.vars !== undefined && !isObj(body.vars)) throw new InputError('expected a mapping', at([...path, 'vars']));
    for (const [k, v] of Object.entries((body.vars ?? {}) as Obj)) inv.groupVar(name, k, v, at([...path, 'vars', k]));
  }
  const meta = raw._meta;
  if (meta === undefined) return;
  if (!isObj(meta) || (meta.hostvars !== undefined && !isObj(meta.hostvars))) {
    throw new InputError('expected _meta.hostvars to map hosts to their variables', at(['_meta']));
  }
  for (const [host, vars] of Object.entries((meta.hostvars ?? {}) as Obj)) {
    const path = ['_meta', 'hostvars', host];
    if (!isObj(vars)) throw new InputError('expected a mapping of variables', at(path));
    if (!inv.hasHost(host)) inv.host(host, 'ungrouped', at(path));
    for (const [k, v] of Object.entries(vars)) inv.hostVar(host, k, v, at([...path, k]));
  }
}
