import { z } from 'zod';
import { SeveritySchema } from './common.js';
import { AnswerSchema, ReportSchema, RootCauseSchema } from './report.js';

// What the index reads of a host's report.json: only the fields it shows, each checked exactly as the
// full report schema checks it. The index reads every host's report once per run; validating the
// flows, findings and evidence too doubled its CPU (50 lab reports: ~220 ms -> ~105 ms without)
// for fields it does not show.
export const ReportDigestSchema = ReportSchema.pick({
  schemaVersion: true,
  host: true,
  startedAt: true,
  status: true,
  incompleteSteps: true,
  summary: true,
}).extend({
  answers: z.array(AnswerSchema.pick({ question: true, answer: true })),
  rootCause: RootCauseSchema.pick({ summary: true }).nullable(),
});
export type ReportDigest = z.infer<typeof ReportDigestSchema>;

// index.json: the newest run of every host under a reports directory (pveaudit index).
export const FleetHostSchema = z.object({
  host: z.string(),
  run: z.string().nullable(), // the run directory name, e.g. 20261125T184900Z
  dir: z.string().nullable(), // relative to the reports directory, forward slashes
  startedAt: z.string().nullable(),
  status: z.enum(['complete', 'incomplete', 'unreadable']),
  problem: z.string().nullable(), // why unreadable, or which steps are missing
  summary: z.record(SeveritySchema, z.number().int()),
  worst: SeveritySchema.nullable(), // the highest severity with a finding
  answers: z.array(z.object({ question: z.string(), answer: z.string() })),
  rootCause: z.string().nullable(),
  ageHours: z.number().nullable(),
  stale: z.boolean(), // older than maxAgeHours
  attention: z.boolean(), // incomplete, unreadable or stale: the overview makes these stand out
  runs: z.number().int(), // how many complete runs the host has
  signatures: z.number().int(), // sign-offs in the newest run's signatures/ (pveaudit verify checks them)
  links: z.array(z.object({ name: z.string(), href: z.string() })),
});
export type FleetHost = z.infer<typeof FleetHostSchema>;

export const FleetIndexSchema = z.object({
  schemaVersion: z.literal('1'),
  generatedAt: z.string(),
  maxAgeHours: z.number(),
  hosts: z.array(FleetHostSchema),
});
export type FleetIndex = z.infer<typeof FleetIndexSchema>;
