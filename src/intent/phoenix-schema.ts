import { z } from 'zod';

// The three Phoenix JSON files, as the admin writes them. Unknown keys are kept out of the way
// (passthrough would only hide typos in the fields we read), so only the fields the generator uses
// are declared; everything else in those files is ignored.

const portSchema = z.union([z.number().int().min(0).max(65535), z.string().regex(/^[0-9]+([:,][0-9]+)*$/)]);

export const PhoenixRuleSchema = z.object({
  type: z.enum(['in', 'out']),
  action: z.enum(['ACCEPT', 'DROP', 'REJECT']),
  proto: z
    .string()
    .regex(/^[a-z0-9]+$/)
    .optional(),
  source: z.string().min(1).optional(),
  dest: z.string().min(1).optional(),
  port: portSchema.optional(),
  comment: z.string().optional(),
});
export type PhoenixRule = z.infer<typeof PhoenixRuleSchema>;

const guestFirewall = z.object({ enabled: z.boolean(), rules: z.array(PhoenixRuleSchema).default([]) });

export const PhoenixHypervisorSchema = z.object({
  shared_volumes: z.object({
    firewall: z.object({
      enabled: z.boolean(),
      default_input_policy: z.enum(['ACCEPT', 'DROP', 'REJECT']),
      default_output_policy: z.enum(['ACCEPT', 'DROP', 'REJECT']),
      global_firewall_rules: z.array(PhoenixRuleSchema).default([]),
    }),
  }),
});
export type PhoenixHypervisor = z.infer<typeof PhoenixHypervisorSchema>;

export const PhoenixLxcSchema = z.object({
  lxc_configs: z.record(
    z.string().regex(/^[1-9][0-9]{2,8}$/, 'keys must be CT ids'),
    z.object({
      name: z.string(),
      network_config: z.object({
        name: z.string().optional(),
        bridge: z.string().optional(),
        ip: z.string().optional(), // CIDR
        gw: z.string().optional(),
      }),
      firewall: guestFirewall.optional(),
    }),
  ),
});
export type PhoenixLxc = z.infer<typeof PhoenixLxcSchema>;

export const PhoenixVmSchema = z.object({
  vms: z.array(
    z.object({
      vmid: z.number().int().min(100),
      name: z.string(),
      network_config: z.object({ ip: z.string().optional(), gw: z.string().optional() }).optional(),
      firewall: guestFirewall.optional(),
    }),
  ),
});
export type PhoenixVm = z.infer<typeof PhoenixVmSchema>;

export const PHOENIX_FILES = {
  hypervisor: 'phoenix_hypervisor_config.json',
  lxc: 'phoenix_lxc_configs.json',
  vm: 'phoenix_vm_configs.json',
} as const;
