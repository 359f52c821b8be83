import { z } from 'zod';
import { IssueSchema } from './common.js';

// What the capture and the probes observed. Produced by src/parse/pcap + src/parse/curl (pure).

export const PacketEventSchema = z.object({
  t: z.number(), // seconds since the capture's first packet
  ts: z.string(), // ISO 8601 UTC with microseconds
  src: z.string(),
  dst: z.string(),
  sport: z.number().int().nullable(),
  dport: z.number().int().nullable(),
  proto: z.enum(['tcp', 'udp', 'icmp', 'icmpv6', 'other']),
  flags: z.string().nullable(), // tcp: "S", "SA", "RA", "PA", ...
  summary: z.string(), // "SYN", "SYN-ACK", "RST-ACK", "ICMP port unreachable", "TLS ClientHello sni=..."
  retransmission: z.boolean(),
  length: z.number().int().nonnegative(),
  dir: z.enum(['forward', 'reverse']).optional(), // addition: forward = client -> server
});
export type PacketEvent = z.infer<typeof PacketEventSchema>;

export const CaptureFlowSchema = z.object({
  key: z.string(), // "tcp 10.0.0.12:40522 > 10.0.0.101:443" (client -> server)
  proto: z.enum(['tcp', 'udp', 'icmp', 'icmpv6', 'other']),
  client: z.string(),
  server: z.string(),
  sport: z.number().int().nullable(),
  dport: z.number().int().nullable(),
  syn: z.number().int().nonnegative(),
  synAck: z.number().int().nonnegative(),
  rstFrom: z.enum(['client', 'server']).nullable(),
  rst: z.number().int().nonnegative(),
  icmpUnreachable: z.number().int().nonnegative(),
  icmpCode: z.number().int().nullable(),
  handshakeCompleted: z.boolean(),
  bytesToServer: z.number().int().nonnegative(),
  bytesToClient: z.number().int().nonnegative(),
  sni: z.string().nullable(),
  serverCertificateSeen: z.boolean(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  verdict: z.enum(['unanswered', 'refused', 'rejected', 'connected', 'not-seen']),
  events: z.array(PacketEventSchema), // bounded (first 200), in time order
  // Additions (optional): timing, who answered, TLS detail and what the capture point can show.
  synTimes: z.array(z.number()).optional(), // seconds since the flow's first packet, one per client SYN
  retransmissions: z.number().int().nonnegative().optional(), // SYN and data retransmissions, both ways
  icmpFrom: z.string().nullable().optional(), // who sent the ICMP unreachable (the server, a router, a firewall)
  tlsVersion: z.string().nullable().optional(), // from the ServerHello, e.g. "TLSv1.3"
  serverAnsweredTls: z.boolean().optional(), // ServerHello seen
  // seen: plaintext Certificate (TLS 1.2); encrypted: TLS 1.3 hides it; none: no server TLS reply
  certificateVisibility: z.enum(['seen', 'encrypted', 'none']).optional(),
  packets: z.number().int().nonnegative().optional(), // all packets of the flow, not only the kept events
  note: z.string().optional(),
});
export type CaptureFlow = z.infer<typeof CaptureFlowSchema>;

export const CaptureAnalysisSchema = z.object({
  file: z.string(), // evidence path
  linkType: z.number().int().nullable(),
  format: z.enum(['pcap', 'pcapng', 'unknown']),
  nanosecond: z.boolean(),
  packets: z.number().int().nonnegative(),
  firstPacket: z.string().nullable(),
  lastPacket: z.string().nullable(),
  flows: z.array(CaptureFlowSchema),
  issues: z.array(IssueSchema),
  // Additions (optional): what else was in the file.
  nonIpPackets: z.number().int().nonnegative().optional(), // ARP, LLDP, ...
  filteredPackets: z.number().int().nonnegative().optional(), // IP packets outside opts.hosts
  capturePoint: z.string().nullable().optional(), // e.g. "vmbr0", as given by the caller
});
export type CaptureAnalysis = z.infer<typeof CaptureAnalysisSchema>;

export const CurlResultSchema = z.object({
  file: z.string(),
  exitCode: z.number().int().nullable(),
  phase: z.enum(['dns', 'connect', 'tls', 'http', 'done']), // the phase that failed, or done
  error: z.string().nullable(), // curl's own error line
  url: z.string().nullable(),
  resolved: z.object({ host: z.string(), address: z.string(), via: z.enum(['dns', 'resolve', 'literal']) }).nullable(),
  connectAttempts: z.array(z.object({ address: z.string(), port: z.number().int(), outcome: z.string() })),
  connectedTo: z.string().nullable(),
  tls: z
    .object({
      version: z.string().nullable(),
      cipher: z.string().nullable(),
      subject: z.string().nullable(),
      issuer: z.string().nullable(),
      san: z.array(z.string()),
      expires: z.string().nullable(),
      verified: z.boolean().nullable(),
      verifyMessage: z.string().nullable(),
    })
    .nullable(),
  httpStatus: z.number().int().nullable(),
  statusLine: z.string().nullable(),
  timings: z.record(z.string(), z.number()),
  issues: z.array(IssueSchema),
});
export type CurlResult = z.infer<typeof CurlResultSchema>;
