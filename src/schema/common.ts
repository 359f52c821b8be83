import { z } from 'zod';

export const SeveritySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type Severity = z.infer<typeof SeveritySchema>;
export const SEVERITIES: readonly Severity[] = SeveritySchema.options;

export const ActionSchema = z.enum(['ACCEPT', 'DROP', 'REJECT']);
export type Action = z.infer<typeof ActionSchema>;

export const GuestTypeSchema = z.enum(['lxc', 'qemu']);
export type GuestType = z.infer<typeof GuestTypeSchema>;

// A problem found while reading an input: where it is and what a user should know.
export const IssueSchema = z.object({
  file: z.string(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
});
export type Issue = z.infer<typeof IssueSchema>;
