import type { z } from 'zod';

// The keys an object schema accepts at a path of a value (array indexes step into the element), for
// "unknown key ... did you mean ...". Optional, default, nullable and pipe wrappers are looked
// through; anything else has no known keys.
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.core.$ZodType | undefined = schema;
  const step = (t: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    for (let guard = 0; t && guard < 20; guard++) {
      const def = t._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault')
        t = def.innerType;
      else if (def.type === 'pipe') t = def.in;
      else return t;
    }
    return t;
  };
  for (const key of path) {
    s = step(s);
    if (!s) return [];
    const def = s._zod.def as unknown as {
      type: string;
      shape?: Record<string, z.core.$ZodType>;
      element?: z.core.$ZodType;
    };
    if (def.type === 'object' && typeof key === 'string') s = def.shape?.[key];
    else if (def.type === 'array' && typeof key === 'number') s = def.element;
    else return [];
  }
  s = step(s);
  const def = s?._zod.def as unknown as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}
