// Maps keyed by names a user or a node chose (inventory groups and hosts, YAML keys, vmids):
// a plain {} answers "__proto__", "constructor" and "toString" from Object.prototype, so a group
// of that name would read or overwrite the prototype. These objects have no prototype at all.

export type Dict<T> = Record<string, T>;

// An empty prototype-free object.
export function dict<T>(): Dict<T> {
  return Object.create(null) as Dict<T>;
}

// Object.fromEntries without a prototype; a "__proto__" key becomes an ordinary own property.
export function dictFrom<T>(entries: Iterable<readonly [string, T]>): Dict<T> {
  const out = dict<T>();
  for (const [k, v] of entries) out[k] = v;
  return out;
}

// Own, enumerable value of `key`, never one inherited from Object.prototype (obj may be a plain {}).
export function own<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}
