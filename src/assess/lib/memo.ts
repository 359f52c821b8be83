import type { CheckContext } from '../context.js';

// Values derived from one analysis' context (indexes of guests, rules and flows), computed once:
// checks ask for them per rule and per flow, and recomputing each time made thousands of intended
// rules cost minutes (issue 11). The context is never changed after it is built, so caching is safe.
const caches = new WeakMap<CheckContext, Map<string, unknown>>();

export function memo<T>(ctx: CheckContext, key: string, compute: () => T): T {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  cache.set(key, value);
  return value;
}
