import { z } from 'zod';

// One collection step's result record: the same shape whether it succeeded, failed or timed out.
export const StepResultSchema = z.object({
  id: z.string(), // e.g. "pve-firewall-status", "pct-config-102", "capture-vmbr0"
  kind: z.enum(['command', 'file', 'capture', 'probe']),
  command: z.string(), // exactly what ran on the node (or the remote path for kind=file)
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable().default(null),
  timedOut: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string(),
  error: z.string().nullable().default(null), // why it failed, in words a user understands
  // A file step whose file does not exist on the node: a fact (e.g. no <vmid>.fw), not a failure.
  absent: z.boolean().default(false),
  outputs: z.array(z.string()), // evidence paths this step produced (relative to evidence/)
});
export type StepResult = z.infer<typeof StepResultSchema>;

export const EvidenceFileSchema = z.object({
  path: z.string(), // relative to evidence/, forward slashes
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  step: z.string().nullable(),
});
export type EvidenceFile = z.infer<typeof EvidenceFileSchema>;

export const RedactionSchema = z.object({ path: z.string(), what: z.string(), count: z.number().int() });

export const ManifestSchema = z.object({
  schemaVersion: z.literal('1'),
  tool: z.object({ name: z.string(), version: z.string() }),
  host: z.object({
    name: z.string(),
    address: z.string().nullable(),
    port: z.number().int().nullable().default(null),
    user: z.string().nullable().default(null),
    hostKeyFingerprint: z.string().nullable(), // "SHA256:..." as OpenSSH prints it
  }),
  startedAt: z.string(),
  finishedAt: z.string(),
  source: z.enum(['ssh', 'sample', 'lab', 'import']).default('ssh'),
  plan: z.array(z.object({ id: z.string(), kind: z.string(), command: z.string() })),
  steps: z.array(StepResultSchema),
  evidence: z.array(EvidenceFileSchema),
  redactions: z.array(RedactionSchema),
  // The audit file the run used (as parsed), so `render` can re-analyse offline.
  audit: z.unknown().optional(),
  // Rendered outputs written next to evidence/, hashed too so `verify` covers them.
  outputs: z.array(EvidenceFileSchema).default([]),
});
export type Manifest = z.infer<typeof ManifestSchema>;
