// The path to the first place a value contains itself (YAML anchors can make `a: &x {b: *x}`),
// or null. Each object is explored once, so shared (aliased) parts cost nothing extra.
export function findCycle(value: unknown): string | null {
  const open = new Set<object>();
  const done = new Set<object>();
  const visit = (v: unknown, path: string): string | null => {
    if (typeof v !== 'object' || v === null) return null;
    if (open.has(v)) return path || '(top level)';
    if (done.has(v)) return null;
    open.add(v);
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [String(i), x])
      : v instanceof Map
        ? [...v.entries()].map(([k, x]) => [String(k), x])
        : Object.entries(v);
    for (const [k, x] of entries) {
      const found = visit(x, path ? `${path}.${k}` : k);
      if (found) return found;
    }
    open.delete(v);
    done.add(v);
    return null;
  };
  return visit(value, '');
}
