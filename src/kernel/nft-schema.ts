import { z } from 'zod';

// `nft -j list ruleset` as libnftables-json(5) documents it: { "nftables": [ LIST_OBJECT ... ] },
// each object keyed by its kind. Expressions and statements stay `unknown` here: src/kernel/nft-expr.ts
// reads them one by one, so a construct we do not model makes its rule undecidable, not the file unreadable.

const Family = z.enum(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
export type NftFamily = z.infer<typeof Family>;

const Named = { family: Family, table: z.string(), handle: z.number().int().optional() };

export const NftTableSchema = z.object({ family: Family, name: z.string(), handle: z.number().int().optional() });

export const NftChainSchema = z.object({
  ...Named,
  name: z.string(),
  type: z.string().optional(),
  hook: z.string().optional(),
  prio: z.union([z.number(), z.string()]).optional(), // a number, or a name (filter, raw...) on newer nft
  policy: z.enum(['accept', 'drop']).optional(),
  dev: z.union([z.string(), z.array(z.string())]).optional(),
});

export const NftRuleSchema = z.object({
  ...Named,
  chain: z.string(),
  expr: z.array(z.unknown()),
  comment: z.string().optional(),
});

// Sets and maps share one shape; a map has "map" (its data type) and elements that are [key, data].
export const NftSetSchema = z.object({
  ...Named,
  name: z.string(),
  type: z.union([z.string(), z.array(z.string())]).optional(),
  map: z.union([z.string(), z.array(z.string())]).optional(),
  flags: z.array(z.string()).optional(),
  elem: z.array(z.unknown()).optional(),
});

export const NftDocumentSchema = z.object({ nftables: z.array(z.unknown()) });

export type NftChainJson = z.infer<typeof NftChainSchema>;
export type NftRuleJson = z.infer<typeof NftRuleSchema>;
export type NftSetJson = z.infer<typeof NftSetSchema>;
