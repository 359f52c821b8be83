import { z } from 'zod';
import { ReasonSchema } from './reason.js';
import { FindingSchema, FlowSchema } from './report.js';

// The comparison of two reports of the same host: what is new, resolved and persisting.
const RunSchema = z.object({
  id: z.string().nullable(),
  host: z.string(),
  startedAt: z.string(),
  status: z.enum(['complete', 'incomplete']),
  toolVersion: z.string(),
});

// One evidence file that differs between the runs, noise (timestamps, counters, digests) ignored.
export const EvidenceChangeSchema = z.object({
  path: z.string(), // relative to evidence/
  change: z.enum(['changed', 'added', 'removed']),
  binary: z.boolean(),
  patch: z.string().nullable(), // unified diff of the normalised text; null for binary files
  truncated: z.boolean(),
});
export type EvidenceChange = z.infer<typeof EvidenceChangeSchema>;

export const ReportDiffSchema = z.object({
  schemaVersion: z.literal('1'),
  old: RunSchema,
  new: RunSchema,
  sameHost: z.boolean(),
  findings: z.object({
    new: z.array(FindingSchema),
    resolved: z.array(FindingSchema),
    persisting: z.array(
      z.object({
        finding: FindingSchema,
        severityBefore: FindingSchema.shape.severity,
        changed: z.boolean(),
        reasonChanged: z.boolean().optional(), // same finding, another reason code or params
        reasonBefore: ReasonSchema.optional(), // the older run's reason, when it changed
      }),
    ),
  }),
  flows: z.array(
    z.object({
      name: z.string(),
      change: z.enum(['new', 'gone', 'changed', 'same']),
      before: FlowSchema.pick({ verdict: true, simulated: true, live: true }).nullable(),
      after: FlowSchema.pick({ verdict: true, simulated: true, live: true }).nullable(),
      // the verdict stayed, but why changed (simulated.reason or .miss, or live.reason: codes and params)
      reasonChanged: z.boolean().optional(),
    }),
  ),
  answers: z.array(
    z.object({
      question: z.string(),
      before: z.string().nullable(),
      after: z.string().nullable(),
      changed: z.boolean().optional(), // the answer or its reason (code, params) differ
      beforeReason: ReasonSchema.nullable().optional(),
      afterReason: ReasonSchema.nullable().optional(),
    }),
  ),
  rootCause: z.object({
    before: z.string().nullable(),
    after: z.string().nullable(),
    beforeReason: ReasonSchema.nullable().optional(),
    afterReason: ReasonSchema.nullable().optional(),
    changed: z.boolean().optional(), // compared by reason code and params, never by the summary's wording
  }),
  // Additions (second round): the one-paragraph summary that leads the diff, and the evidence files
  // that differ; absent when the diff was made from report.json files alone.
  summary: z.string().optional(),
  evidence: z.object({ changes: z.array(EvidenceChangeSchema), noiseOnly: z.array(z.string()) }).optional(),
});
export type ReportDiff = z.infer<typeof ReportDiffSchema>;
