import { z } from 'zod';
import { ActionSchema, GuestTypeSchema, IssueSchema, SeveritySchema } from './common.js';
import { ReasonSchema } from './reason.js';

// report.json, schemaVersion "1": DESIGN.md lists the contract fields; fields may be added, none removed or renamed.

export const DecidedBySchema = z.object({
  kind: z.enum(['rule', 'policy', 'default']),
  file: z.string().nullable(), // relative to the /etc/pve layout, e.g. firewall/1001.fw
  line: z.number().int().positive().nullable(),
  text: z.string(),
});
export type DecidedBy = z.infer<typeof DecidedBySchema>;

export const CapturePacketSchema = z.object({
  t: z.number(), // seconds since the first packet of this flow
  dir: z.enum(['forward', 'reverse']), // forward = from the flow's source
  summary: z.string(), // e.g. "SYN", "SYN-ACK", "RST-ACK", "ICMP port unreachable"
  retransmission: z.boolean().default(false),
});

export const CaptureObservationSchema = z.object({
  syn: z.number().int().nonnegative(),
  synAck: z.number().int().nonnegative(),
  rst: z.number().int().nonnegative(),
  icmpUnreachable: z.number().int().nonnegative(),
  verdict: z.enum(['unanswered', 'refused', 'rejected', 'connected', 'not-seen']),
  // Additions beyond the contract: the packets behind the verdict, for the sequence diagram.
  file: z.string().optional(),
  firstSeen: z.string().nullable().optional(),
  packets: z.array(CapturePacketSchema).optional(),
  note: z.string().optional(), // what this capture point can and cannot show
});
export type CaptureObservation = z.infer<typeof CaptureObservationSchema>;

export const ProbeObservationSchema = z.object({
  exitCode: z.number().int().nullable(),
  phase: z.enum(['dns', 'connect', 'tls', 'http', 'done']),
  httpStatus: z.number().int().nullable(),
  verdict: z.string(),
  // Additions: what curl said, for the reader.
  file: z.string().optional(),
  error: z.string().nullable().optional(),
  connectedTo: z.string().nullable().optional(),
  tls: z
    .object({
      version: z.string().nullable(),
      subject: z.string().nullable(),
      issuer: z.string().nullable(),
      verified: z.boolean().nullable(),
    })
    .optional(),
});
export type ProbeObservation = z.infer<typeof ProbeObservationSchema>;

export const EndpointSchema = z.object({ zone: z.string().nullable(), ip: z.string().nullable() });

// The kernel's verdict for a flow (iptables-save / nft list ruleset as loaded), not the files'.
export const LiveVerdictSchema = z.object({
  backend: z.enum(['iptables', 'nftables']),
  action: z.enum(['ACCEPT', 'DROP', 'REJECT', 'unknown']),
  chain: z.string().nullable(),
  rule: z.number().int().positive().nullable(), // 1-based position in chain; null for a policy
  text: z.string().nullable(),
  reason: ReasonSchema,
});
export type LiveVerdict = z.infer<typeof LiveVerdictSchema>;

export const KernelCountersSchema = z.object({
  rules: z.array(
    z.object({
      chain: z.string(),
      rule: z.number().int().positive(),
      text: z.string(),
      packets: z.number().int().nonnegative(),
      // Additions: how many packets the probe should account for on this rule (SYNs seen x times walked).
      expected: z.number().int().nonnegative().nullable().optional(),
    }),
  ),
  // Additions: whether the rise is the probe's alone, and why not.
  attribution: z.enum(['exact', 'ambiguous', 'unavailable']).optional(),
  note: z.string().optional(),
});
export type KernelCounters = z.infer<typeof KernelCountersSchema>;

export const DriftSchema = z.object({
  chain: z.string(),
  kind: z.enum(['extra', 'missing', 'changed']),
  text: z.string(),
  reason: ReasonSchema,
});
export type Drift = z.infer<typeof DriftSchema>;

export const FlowSchema = z.object({
  id: z.string(),
  name: z.string(),
  from: EndpointSchema,
  to: EndpointSchema,
  proto: z.string(),
  dport: z.number().int().nullable(),
  expected: z.enum(['ACCEPT', 'DROP']).nullable(),
  simulated: z
    .object({
      action: ActionSchema,
      decidedBy: DecidedBySchema,
      trace: z.array(z.string()).optional(),
      reason: ReasonSchema.optional(),
      // Why the rule meant to allow it did not (disabled, skipped, ipset miss, wrong file...), when
      // the flow is not accepted and the files say why.
      miss: ReasonSchema.nullable().optional(),
    })
    .nullable(),
  observed: z
    .object({
      capture: CaptureObservationSchema.nullable(),
      probe: ProbeObservationSchema.nullable(),
    })
    .nullable(),
  verdict: z.string(),
  // Additions: where the flow came from and whether config, simulation and observation agree.
  source: z.enum(['intent', 'probe', 'both']).optional(),
  agreement: z.enum(['agree', 'disagree', 'partial']).optional(),
  // Second round: the flow walked through the LIVE kernel ruleset, and the counters that rose.
  live: LiveVerdictSchema.nullable().optional(),
  kernel: KernelCountersSchema.nullable().optional(),
});
export type Flow = z.infer<typeof FlowSchema>;

export const RemediationSchema = z.object({
  summary: z.string(),
  commands: z.array(z.string()),
  patch: z.string().nullable(),
  // Additions: the order to apply in and how to prove it worked.
  order: z.number().int().optional(),
  verify: z.array(z.string()).optional(),
  file: z.string().nullable().optional(),
  phoenix: z.string().nullable().optional(),
});
export type Remediation = z.infer<typeof RemediationSchema>;

export const FindingSchema = z.object({
  id: z.string(),
  checkId: z.string(),
  severity: SeveritySchema,
  title: z.string(),
  subject: z.string(),
  evidence: z.array(z.string()),
  remediation: RemediationSchema,
  // Additions: the sentence that says what was found.
  detail: z.string().optional(),
  outcome: z.enum(['fail', 'error']).optional(),
  reason: ReasonSchema.optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

export const GuestFirewallSchema = z.object({
  cluster: z.boolean(),
  guestEnable: z.boolean(),
  nics: z.record(z.string(), z.boolean()),
  effective: z.boolean(),
  // Additions: the first broken link in cluster -> guest -> NIC, and the policies in force.
  brokenLink: z.string().nullable().optional(),
  policyIn: ActionSchema.optional(),
  policyOut: ActionSchema.optional(),
  fwFile: z.boolean().optional(),
});

export const GuestSchema = z.object({
  vmid: z.number().int(),
  type: GuestTypeSchema,
  name: z.string().nullable(),
  ips: z.array(z.string()),
  firewall: GuestFirewallSchema,
});
export type Guest = z.infer<typeof GuestSchema>;

export const AnswerSchema = z.object({
  question: z.enum(['rules-loaded', 'guest-firewalls-as-intended', 'packets-dropped']),
  answer: z.enum(['yes', 'no', 'unknown']),
  because: z.string(),
  reason: ReasonSchema.optional(), // the answer as data; `because` is its wording
});
export type Answer = z.infer<typeof AnswerSchema>;

export const EvidenceRefSchema = z.object({
  path: z.string(), // relative to the report directory's evidence/
  sha256: z.string(),
  step: z.string().nullable(),
  command: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  // Additions for the appendix.
  bytes: z.number().int().nonnegative().optional(),
  durationMs: z.number().nonnegative().nullable().optional(),
  timedOut: z.boolean().optional(),
});
export type EvidenceRef = z.infer<typeof EvidenceRefSchema>;

export const RootCauseSchema = z.object({
  summary: z.string(),
  layer: z.enum(['firewall', 'service', 'tls', 'dns', 'routing', 'unknown']),
  flow: z.string().nullable(), // a flow id
  decidedBy: DecidedBySchema.nullable(),
  reason: ReasonSchema.optional(),
});
export type RootCause = z.infer<typeof RootCauseSchema>;

// Every check that ran, passed ones included: what was verified (its title states the expectation).
export const CheckOutcomeSchema = z.enum(['passed', 'failed', 'error', 'not-applicable']);
export const CheckSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: SeveritySchema,
  outcome: CheckOutcomeSchema,
  results: z.number().int().nonnegative(), // subjects it judged
  failed: z.number().int().nonnegative(),
});
export type CheckSummary = z.infer<typeof CheckSummarySchema>;

export const ReportSchema = z.object({
  schemaVersion: z.literal('1'),
  tool: z.object({ name: z.string(), version: z.string() }),
  host: z.object({
    name: z.string(),
    address: z.string().nullable(),
    node: z.string().nullable(),
    pveVersion: z.string().nullable(),
  }),
  startedAt: z.string(), // ISO 8601 UTC
  finishedAt: z.string(),
  status: z.enum(['complete', 'incomplete']),
  incompleteSteps: z.array(z.object({ step: z.string(), reason: z.string() })),
  summary: z.object({
    critical: z.number().int().nonnegative(),
    high: z.number().int().nonnegative(),
    medium: z.number().int().nonnegative(),
    low: z.number().int().nonnegative(),
    info: z.number().int().nonnegative(),
  }),
  answers: z.array(AnswerSchema),
  guests: z.array(GuestSchema),
  flows: z.array(FlowSchema),
  rootCause: RootCauseSchema.nullable(),
  findings: z.array(FindingSchema),
  evidence: z.array(EvidenceRefSchema),
  // Additions: identity of the run and what the reader must know about the inputs.
  id: z.string().optional(), // report id: <host>-<UTC timestamp>
  evidenceDigest: z.string().optional(), // sha256 over the manifest's evidence list, for sign-off
  intentSource: z.enum(['native', 'phoenix', 'none']).optional(),
  // The intent file(s) compared against: from the bundle's evidence, or given at render time
  // (then not covered by the evidence digest, and the report says so).
  intentFile: z.object({ path: z.string(), sha256: z.string(), inEvidence: z.boolean() }).nullable().optional(),
  issues: z.array(IssueSchema).optional(), // parse problems in the collected files
  drift: z.array(DriftSchema).optional(), // live ruleset vs what the configuration compiles to
  checks: z.array(CheckSummarySchema).optional(),
  outcomes: z
    .object({
      passed: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      error: z.number().int().nonnegative(),
      notApplicable: z.number().int().nonnegative(),
    })
    .optional(),
});
export type Report = z.infer<typeof ReportSchema>;
