import { InputError } from '../lib/errors.js';
import { expandHostPattern } from './host-pattern.js';
import { readYamlFile } from './yaml-file.js';

// One host of an Ansible YAML inventory with its variables merged the way Ansible does it:
// all's vars < parent group vars < child group vars < host vars.
export interface InventoryHost {
  name: string;
  vars: Record<string, unknown>;
  // Where each variable was set, e.g. "all.children.proxmox.vars.ansible_user", for error messages.
  sources: Record<string, string>;
  groups: string[];
}

export interface Inventory {
  path: string;
  hosts: InventoryHost[]; // in file order
  groups: Record<string, string[]>; // group -> host names (children included)
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Collected {
  vars: Obj;
  sources: Record<string, string>;
  depth: number;
}

export async function loadInventory(path: string): Promise<Inventory> {
  return parseInventory(path, await readYamlFile(path));
}

export function parseInventory(path: string, raw: unknown): Inventory {
  if (!isObj(raw))
    throw new InputError('an Ansible YAML inventory must be a mapping of groups (e.g. all:)', { file: path });
  const order: string[] = [];
  const hostVars = new Map<string, { vars: Obj; sources: Record<string, string> }>();
  // per host: group layers that apply, to be merged shallow-to-deep
  const layers = new Map<string, Collected[]>();
  const groups: Record<string, Set<string>> = {};

  const walk = (name: string, node: unknown, field: string, depth: number, inherited: Collected[]): Set<string> => {
    if (node !== null && node !== undefined && !isObj(node)) {
      throw new InputError('a group must be a mapping with hosts, vars or children', { file: path, field });
    }
    const g = (node ?? {}) as Obj;
    for (const key of Object.keys(g)) {
      if (!['hosts', 'vars', 'children'].includes(key)) {
        throw new InputError(`unknown key "${key}" (a group has hosts, vars and children)`, { file: path, field });
      }
    }
    const vars = mapping(g.vars, `${field}.vars`);
    const layer: Collected = { vars, sources: sourcesOf(vars, `${field}.vars`), depth };
    const chain = [...inherited, layer];
    groups[name] ??= new Set();
    const members = groups[name];
    const hosts = mapping(g.hosts, `${field}.hosts`);
    const expanded = Object.entries(hosts).flatMap(([pattern, hv]) =>
      expandHostPattern(pattern, { file: path, field: `${field}.hosts.${pattern}` }).map((h) => [h, hv] as const),
    );
    for (const [host, hv] of expanded) {
      const hfield = `${field}.hosts.${host}`;
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(host)) {
        throw new InputError('host names may use letters, digits, . _ - only', { file: path, field: hfield });
      }
      const own = mapping(hv, hfield);
      if (!hostVars.has(host)) {
        order.push(host);
        hostVars.set(host, { vars: {}, sources: {} });
      }
      const entry = hostVars.get(host) as { vars: Obj; sources: Record<string, string> };
      Object.assign(entry.vars, own);
      Object.assign(entry.sources, sourcesOf(own, hfield));
      layers.set(host, [...(layers.get(host) ?? []), ...chain]);
      members.add(host);
    }
    for (const [child, cnode] of Object.entries(mapping(g.children, `${field}.children`))) {
      for (const h of walk(child, cnode, `${field}.children.${child}`, depth + 1, chain)) members.add(h);
    }
    return members;
  };

  for (const [name, node] of Object.entries(raw)) walk(name, node, name, name === 'all' ? 0 : 1, []);

  const hosts = order.map((name): InventoryHost => {
    const own = hostVars.get(name) as { vars: Obj; sources: Record<string, string> };
    const applied = [...(layers.get(name) ?? [])].sort((a, b) => a.depth - b.depth);
    const vars: Obj = {};
    const sources: Record<string, string> = {};
    for (const l of applied) {
      Object.assign(vars, l.vars);
      Object.assign(sources, l.sources);
    }
    Object.assign(vars, own.vars);
    Object.assign(sources, own.sources);
    const inGroups = Object.keys(groups).filter((g) => groups[g]?.has(name));
    return { name, vars, sources, groups: inGroups };
  });
  const groupList = Object.fromEntries(Object.entries(groups).map(([g, s]) => [g, [...s]]));
  groupList.all = order;
  return { path, hosts, groups: groupList };

  function mapping(v: unknown, field: string): Obj {
    if (v === null || v === undefined) return {};
    if (!isObj(v)) throw new InputError('expected a mapping', { file: path, field });
    return v;
  }
}

function sourcesOf(vars: Obj, field: string): Record<string, string> {
  return Object.fromEntries(Object.keys(vars).map((k) => [k, `${field}.${k}`]));
}

// --limit as Ansible takes it: host or group names separated by , or :, "!name" excludes.
export function limitHosts(inv: Inventory, limit: string | undefined): InventoryHost[] {
  if (!limit) return inv.hosts;
  const terms = limit
    .split(/[,:]/)
    .map((t) => t.trim())
    .filter(Boolean);
  const include = new Set<string>();
  const exclude = new Set<string>();
  let hasInclude = false;
  for (const term of terms) {
    const negate = term.startsWith('!');
    const name = negate ? term.slice(1) : term;
    const matched = inv.groups[name] ?? (inv.hosts.some((h) => h.name === name) ? [name] : undefined);
    if (!matched) {
      throw new InputError(`--limit: "${name}" is neither a host nor a group in the inventory`, { file: inv.path });
    }
    if (!negate) hasInclude = true;
    for (const h of matched) (negate ? exclude : include).add(h);
  }
  const selected = inv.hosts.filter((h) => (!hasInclude || include.has(h.name)) && !exclude.has(h.name));
  if (selected.length === 0) throw new InputError(`--limit ${limit} selects no host`, { file: inv.path });
  return selected;
}
