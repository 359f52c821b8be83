import { z } from 'zod';
import { FindingSchema, FlowSchema } from './report.js';

// The comparison of two reports of the same host: what is new, resolved and persisting.
const RunSchema = z.object({
  id: z.string().nullable(),
  host: z.string(),
  startedAt: z.string(),
  status: z.enum(['complete', 'incomplete']),
  toolVersion: z.string(),
});

export const ReportDiffSchema = z.object({
  schemaVersion: z.literal('1'),
  old: RunSchema,
  new: RunSchema,
  sameHost: z.boolean(),
  findings: z.object({
    new: z.array(FindingSchema),
    resolved: z.array(FindingSchema),
    persisting: z.array(
      z.object({ finding: FindingSchema, severityBefore: FindingSchema.shape.severity, changed: z.boolean() }),
    ),
  }),
  flows: z.array(
    z.object({
      name: z.string(),
      change: z.enum(['new', 'gone', 'changed', 'same']),
      before: FlowSchema.pick({ verdict: true, simulated: true }).nullable(),
      after: FlowSchema.pick({ verdict: true, simulated: true }).nullable(),
    }),
  ),
  answers: z.array(
    z.object({
      question: z.string(),
      before: z.string().nullable(),
      after: z.string().nullable(),
    }),
  ),
  rootCause: z.object({ before: z.string().nullable(), after: z.string().nullable() }),
});
export type ReportDiff = z.infer<typeof ReportDiffSchema>;
