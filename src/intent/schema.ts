import { z } from 'zod';
import { IntentFlowSchema, IntentSchema } from '../schema/intent.js';

// What loadIntent / loadPhoenix hand to analyse(). For Phoenix it keeps two readings of the same
// JSON apart: what the generator writes (generated*) and what the admin meant (meant), so a check
// can say "applied as generated" and "does not do what was meant" separately.

export const PhoenixOriginSchema = z.object({
  file: z.string(), // the JSON file name, e.g. phoenix_vm_configs.json
  path: z.string(), // JSON path of the rule, e.g. vms.0.firewall.rules.0
});
export type PhoenixOrigin = z.infer<typeof PhoenixOriginSchema>;

export const GeneratedRuleSchema = z.object({
  line: z.number().int().positive(), // 1-based line in generatedClusterFw
  text: z.string(),
  scope: z.enum(['global', 'lxc', 'vm']),
  vmid: z.number().int().nullable(),
  origin: PhoenixOriginSchema,
});
export type GeneratedRule = z.infer<typeof GeneratedRuleSchema>;

export const MeantRuleSchema = z.object({
  origin: PhoenixOriginSchema,
  // Where the rule must live to do what the admin meant: cluster.fw for the node, <vmid>.fw for a guest.
  file: z.string(),
  vmid: z.number().int().nullable(),
  text: z.string(), // the rule line as it belongs in that file
  generatedText: z.string(), // the line the generator writes into cluster.fw
  flow: IntentFlowSchema.nullable(), // an expected flow when source and dest are concrete
});
export type MeantRule = z.infer<typeof MeantRuleSchema>;

export const PhoenixImportSchema = z.object({
  dir: z.string(),
  files: z.object({ hypervisor: z.string(), lxc: z.string(), vm: z.string() }),
  generatedClusterFw: z.string(),
  generatedRules: z.array(GeneratedRuleSchema),
  meant: z.array(MeantRuleSchema),
  guestIps: z.record(z.string(), z.string()), // vmid -> IP (no prefix), from network_config
});
export type PhoenixImport = z.infer<typeof PhoenixImportSchema>;

export const LoadedIntentSchema = z.object({
  source: z.enum(['native', 'phoenix']),
  file: z.string(),
  intent: IntentSchema,
  phoenix: PhoenixImportSchema.optional(),
});
export type LoadedIntent = z.infer<typeof LoadedIntentSchema>;
