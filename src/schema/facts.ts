import { z } from 'zod';
import { ProbeSchema } from './audit.js';
import { IssueSchema } from './common.js';
import { CaptureAnalysisSchema, CurlResultSchema } from './observe.js';
import { FirewallStatusSchema, LocalnetSchema, PveConfigSchema } from './pve.js';

// Everything parsed out of one evidence bundle: what analyse/ and checks/ read. No I/O beyond this point.

export const MissingSchema = z.object({ step: z.string(), reason: z.string() });
export type Missing = z.infer<typeof MissingSchema>;

// Whether the node is a Proxmox node, read from the structured result of the step that tells
// (`pct list`: exit 127 means the command does not exist), never from an error message's wording.
export const PlatformSchema = z.object({
  proxmox: z.enum(['yes', 'no', 'unknown']),
  step: z.string().nullable(), // the step that told
  exitCode: z.number().int().nullable(),
});
export type Platform = z.infer<typeof PlatformSchema>;

export const RulesetFactsSchema = z.object({
  backend: z.enum(['iptables', 'nftables']),
  file: z.string(), // evidence path
  chains: z.array(z.string()), // chain names present (filter table / guest table)
  // guest chains reached from PVEFW-FWBR-IN / vm-map: "tap1001i0", "veth102i0"
  guestDevices: z.array(z.string()),
});
export type RulesetFacts = z.infer<typeof RulesetFactsSchema>;

// The kernel's evidence as text, parsed by src/kernel (the live walk): null = not collected.
const RawEvidenceSchema = z.object({ file: z.string(), text: z.string() });
export const KernelEvidenceSchema = z.object({
  iptables: RawEvidenceSchema.nullable(), // iptables-save -c before the probes
  iptablesAfter: RawEvidenceSchema.nullable(), // iptables-save -c after the probes
  ip6tables: RawEvidenceSchema.nullable(),
  ipset: RawEvidenceSchema.nullable(),
  nft: RawEvidenceSchema.nullable().optional(), // nft -j list ruleset (host.fw nftables: 1)
  ebtables: RawEvidenceSchema.nullable().optional(), // ebtables-save (iptables mode: the layer-2 filter)
});
export type KernelEvidenceFacts = z.infer<typeof KernelEvidenceSchema>;

export const FactsSchema = z.object({
  host: z.object({
    name: z.string(),
    address: z.string().nullable(),
    node: z.string().nullable(),
    pveVersion: z.string().nullable(),
  }),
  pve: PveConfigSchema,
  platform: PlatformSchema,
  nftablesBackend: z.boolean(), // host.fw nftables: 1
  status: FirewallStatusSchema.nullable(), // null = could not collect
  localnet: LocalnetSchema.nullable(),
  ruleset: RulesetFactsSchema.nullable(),
  kernel: KernelEvidenceSchema.optional(),
  captures: z.array(CaptureAnalysisSchema),
  probes: z.array(
    z.object({ probe: ProbeSchema, result: CurlResultSchema.nullable(), evidence: z.string().nullable() }),
  ),
  captureHosts: z.array(z.string()), // the audit's capture filter hosts
  guestsRequested: z.array(z.number().int()), // vmids the audit asked about
  missing: z.array(MissingSchema), // steps that failed: what could not be seen, and why
  issues: z.array(IssueSchema),
});
export type Facts = z.infer<typeof FactsSchema>;
