import { dict } from '../lib/dict.js';
import { InputError } from '../lib/errors.js';

// Where a value or a name was written, for error messages: a file plus a line and/or a field path.
export interface Where {
  file: string;
  line?: number;
  field?: string;
}

// One host with its variables merged the way Ansible merges them.
export interface InventoryHost {
  name: string;
  // prototype-free: a variable called __proto__ or constructor is an ordinary key
  vars: Record<string, unknown>;
  // where each variable was set (the winning definition)
  sources: Record<string, Where>;
  groups: string[];
}

export interface Inventory {
  path: string;
  hosts: InventoryHost[]; // in the order they were first named
  groups: Map<string, string[]>; // group -> host names, children's hosts included; all and ungrouped too
}

interface Layer {
  vars: Map<string, { value: unknown; where: Where }>;
}

interface Group extends Layer {
  name: string;
  hosts: string[];
  children: string[];
  parents: Set<string>;
  where: Where;
  // vars from group_vars/ files, which Ansible applies after every inventory-file group var
  fileVars: Map<string, { value: unknown; where: Where }>;
}

interface Host extends Layer {
  name: string;
  where: Where;
  fileVars: Map<string, { value: unknown; where: Where }>;
}

const HOST_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;
const GROUP_RE = /^[^\s:[\]]+$/;

// Collects what every inventory format says (groups, hosts, children, vars) in Maps, so no name a
// user writes can reach an object's prototype, and merges variables the way Ansible does at the end.
export class InventoryBuilder {
  private readonly groupMap = new Map<string, Group>();
  private readonly hostMap = new Map<string, Host>();

  constructor() {
    this.group('all', { file: '(implicit)' });
    this.group('ungrouped', { file: '(implicit)' });
  }

  hasGroup(name: string): boolean {
    return this.groupMap.has(name);
  }

  hasHost(name: string): boolean {
    return this.hostMap.has(name);
  }

  groupNames(): string[] {
    return [...this.groupMap.keys()];
  }

  hostNames(): string[] {
    return [...this.hostMap.keys()];
  }

  group(name: string, where: Where): Group {
    let g = this.groupMap.get(name);
    if (!g) {
      if (!GROUP_RE.test(name)) throw new InputError(`"${name}" is not a usable group name`, where);
      g = { name, hosts: [], children: [], parents: new Set(), where, vars: new Map(), fileVars: new Map() };
      this.groupMap.set(name, g);
    }
    return g;
  }

  host(name: string, group: string, where: Where): void {
    if (!HOST_RE.test(name)) {
      throw new InputError(`"${name}" is not a host name (letters, digits, . _ - only)`, where);
    }
    if (!this.hostMap.has(name)) this.hostMap.set(name, { name, where, vars: new Map(), fileVars: new Map() });
    const g = this.group(group, where);
    if (!g.hosts.includes(name)) g.hosts.push(name);
  }

  hostVar(host: string, key: string, value: unknown, where: Where): void {
    this.hostMap.get(host)?.vars.set(key, { value, where });
  }

  hostFileVar(host: string, key: string, value: unknown, where: Where): void {
    this.hostMap.get(host)?.fileVars.set(key, { value, where });
  }

  groupVar(group: string, key: string, value: unknown, where: Where): void {
    this.group(group, where).vars.set(key, { value, where });
  }

  groupFileVar(group: string, key: string, value: unknown, where: Where): void {
    this.groupMap.get(group)?.fileVars.set(key, { value, where });
  }

  child(parent: string, child: string, where: Where): void {
    if (child === 'all') throw new InputError('"all" cannot be a child group', where);
    const p = this.group(parent, where);
    const c = this.group(child, where);
    if (parent === child || this.ancestors(parent).has(child)) {
      throw new InputError(`adding group "${child}" under "${parent}" makes a loop of groups`, where);
    }
    if (!p.children.includes(child)) p.children.push(child);
    c.parents.add(parent);
  }

  // Group depth as Ansible counts it: all is 0, and a group is one deeper than its deepest parent.
  private depths(): Map<string, number> {
    const depth = new Map<string, number>();
    const of = (name: string): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      const g = this.groupMap.get(name) as Group;
      const d = name === 'all' ? 0 : Math.max(0, ...[...g.parents].map(of)) + 1;
      depth.set(name, d);
      return d;
    };
    for (const name of this.groupMap.keys()) of(name);
    return depth;
  }

  private ancestors(name: string): Set<string> {
    const out = new Set<string>();
    const walk = (n: string) => {
      for (const p of this.groupMap.get(n)?.parents ?? []) {
        if (!out.has(p)) {
          out.add(p);
          walk(p);
        }
      }
    };
    walk(name);
    return out;
  }

  build(path: string): Inventory {
    const depth = this.depths();
    const hostGroups = new Map<string, Set<string>>();
    for (const h of this.hostMap.keys()) hostGroups.set(h, new Set(['all']));
    for (const g of this.groupMap.values()) {
      for (const h of g.hosts) {
        const set = hostGroups.get(h) as Set<string>;
        set.add(g.name);
        for (const a of this.ancestors(g.name)) set.add(a);
      }
    }
    // A host is ungrouped only while no group other than all (and ungrouped) holds it.
    for (const set of hostGroups.values()) {
      if ([...set].every((g) => g === 'all' || g === 'ungrouped')) set.add('ungrouped');
      else set.delete('ungrouped');
    }
    const order = (a: string, b: string) =>
      (depth.get(a) as number) - (depth.get(b) as number) || (a < b ? -1 : a > b ? 1 : 0);
    const hosts = [...this.hostMap.values()].map((h): InventoryHost => {
      const groups = [...(hostGroups.get(h.name) as Set<string>)].sort(order);
      const vars = dict<unknown>();
      const sources = dict<Where>();
      const apply = (layer: Map<string, { value: unknown; where: Where }>) => {
        for (const [k, v] of layer) {
          vars[k] = v.value;
          sources[k] = v.where;
        }
      };
      // Ansible's order: inventory group vars (shallow to deep, then by name), group_vars/ files in
      // the same order, the inventory's host vars, host_vars/ files.
      for (const g of groups) apply((this.groupMap.get(g) as Group).vars);
      for (const g of groups) apply((this.groupMap.get(g) as Group).fileVars);
      apply(h.vars);
      apply(h.fileVars);
      return { name: h.name, vars, sources, groups: groups.filter((g) => g !== 'all') };
    });
    const groups = new Map<string, string[]>();
    for (const name of this.groupMap.keys()) {
      groups.set(
        name,
        hosts.filter((h) => name === 'all' || h.groups.includes(name)).map((h) => h.name),
      );
    }
    return { path, hosts, groups };
  }
}
