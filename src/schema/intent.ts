import { z } from 'zod';
import { ActionSchema, GuestTypeSchema } from './common.js';

// What the admin meant: a native intent file, or what the Phoenix importer derives from the JSON files.

const ruleText = z.string().min(1);

export const IntentFlowSchema = z.object({
  name: z.string().optional(),
  from: z.string(), // a zone (simulate's zones) or an IP
  to: z.string(),
  proto: z.enum(['tcp', 'udp', 'icmp']).default('tcp'),
  dport: z.number().int().min(0).max(65535).optional(),
  expect: ActionSchema,
  // Where this expectation came from (a Phoenix rule, a file path), for the report.
  origin: z.string().optional(),
});
export type IntentFlow = z.infer<typeof IntentFlowSchema>;

export const IntentGuestSchema = z.object({
  vmid: z.number().int().min(100),
  name: z.string().optional(),
  type: GuestTypeSchema.optional(),
  ip: z.string().optional(),
  firewall: z
    .object({
      enable: z.boolean().optional(),
      nics: z.record(z.string().regex(/^net\d+$/), z.boolean()).optional(),
      policy_in: ActionSchema.optional(),
      policy_out: ActionSchema.optional(),
      rules: z.array(ruleText).optional(),
    })
    .optional(),
});
export type IntentGuest = z.infer<typeof IntentGuestSchema>;

export const IntentSchema = z.object({
  cluster: z
    .object({
      enable: z.boolean().optional(),
      policy_in: ActionSchema.optional(),
      policy_out: ActionSchema.optional(),
      rules: z.array(ruleText).optional(),
    })
    .optional(),
  guests: z.array(IntentGuestSchema).optional(),
  flows: z.array(IntentFlowSchema).optional(),
});
export type Intent = z.infer<typeof IntentSchema>;
