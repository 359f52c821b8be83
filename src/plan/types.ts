import { z } from 'zod';

// Placeholders for values only the node knows at run time (the mktemp directory, tcpdump's PID).
// Both are made of characters shQuote leaves alone, so they survive quoting and are substituted after.
export const TMPDIR_TOKEN = '@TMPDIR@';
export const PID_TOKEN = '@PID@';

export const PlanStepSchema = z.object({
  // Evidence paths derive from it: commands/<id>.out, pve/<path> for files, probes/<name>.curl.txt.
  id: z.string().regex(/^[a-z0-9][a-z0-9._/<>-]*$/), // <node>, <vmid>: unresolved placeholders
  kind: z.enum(['command', 'file', 'capture', 'probe']),
  // Steps of one phase are independent of each other and may run in parallel.
  phase: z.enum(['facts', 'guests', 'ruleset', 'capture-start', 'probes', 'counters', 'capture-stop', 'cleanup']),
  command: z.string(), // exactly what the node's shell runs (or "sftp get <path>")
  timeoutSec: z.number().int().positive(),
  readOnly: z.literal(true),
  // kind=file: the path below /etc/pve the evidence is stored under (evidence/pve/<pvePath>).
  pvePath: z.string().optional(),
  // kind=probe: how the probe's output is decoded.
  probe: z.object({ name: z.string(), via: z.enum(['pct', 'qm', 'host']) }).optional(),
  // Set while the plan is not yet resolved against the node (dry run): when this step runs.
  when: z.string().optional(),
});
export type PlanStep = z.infer<typeof PlanStepSchema>;

// What the first phase learns about the node; the rest of the plan depends on it.
export const DiscoverySchema = z.object({
  node: z.string(),
  lxc: z.array(z.number().int()),
  qemu: z.array(z.number().int()),
  nftables: z.boolean(),
});
export type Discovery = z.infer<typeof DiscoverySchema>;

export const PlanSchema = z.object({
  host: z.string(),
  resolved: z.boolean(), // false: built without discovery, some steps carry `when`
  steps: z.array(PlanStepSchema),
});
export type Plan = z.infer<typeof PlanSchema>;
