import { join } from 'node:path';
import { analyse } from '../../src/analyse/index.js';
import { loadPhoenix } from '../../src/intent/load.js';
import type { Facts } from '../../src/schema/facts.js';
import type { CaptureAnalysis, CurlResult } from '../../src/schema/observe.js';
import type { Report } from '../../src/schema/report.js';
import { FIXTURES, factsFrom, readTree } from '../checks/helpers.js';

// The seed situation: the /etc/pve tree of the reported failure, a vmbr0 capture with three
// unanswered SYNs one second apart, and curl from CT 102 giving up after the connect timeout.

const T0 = Date.parse('2026-11-25T18:49:12.417Z') / 1000;
const syn = (i: number) => ({
  t: i * 1.0015,
  ts: new Date((T0 + i * 1.0015) * 1000).toISOString(),
  src: '10.0.0.12',
  dst: '10.0.0.101',
  sport: 40522,
  dport: 443,
  proto: 'tcp' as const,
  flags: 'S',
  summary: 'SYN',
  retransmission: i > 0,
  length: 74,
});

export const seedCapture: CaptureAnalysis = {
  file: 'capture/vmbr0.pcap',
  linkType: 1,
  format: 'pcap',
  nanosecond: false,
  packets: 3,
  firstPacket: syn(0).ts,
  lastPacket: syn(2).ts,
  flows: [
    {
      key: 'tcp 10.0.0.12:40522 > 10.0.0.101:443',
      proto: 'tcp',
      client: '10.0.0.12',
      server: '10.0.0.101',
      sport: 40522,
      dport: 443,
      syn: 3,
      synAck: 0,
      rstFrom: null,
      rst: 0,
      icmpUnreachable: 0,
      icmpCode: null,
      handshakeCompleted: false,
      bytesToServer: 222,
      bytesToClient: 0,
      sni: null,
      serverCertificateSeen: false,
      firstSeen: syn(0).ts,
      lastSeen: syn(2).ts,
      verdict: 'unanswered',
      events: [syn(0), syn(1), syn(2)],
    },
  ],
  issues: [],
};

export const seedCurl: CurlResult = {
  file: 'probes/traefik-to-portainer.curl.txt',
  exitCode: 28,
  phase: 'connect',
  error: 'Failed to connect to portainer.internal.thinkheads.ai port 443 after 3002 ms: Timeout was reached',
  url: 'https://portainer.internal.thinkheads.ai',
  resolved: { host: 'portainer.internal.thinkheads.ai', address: '10.0.0.101', via: 'dns' },
  connectAttempts: [{ address: '10.0.0.101', port: 443, outcome: 'timeout' }],
  connectedTo: null,
  tls: null,
  httpStatus: null,
  statusLine: null,
  timings: {},
  issues: [],
};

// The seed's one probe (CT 102 to Portainer), with curl's result changed as given; null: not run.
export const seedProbe = (result: Partial<CurlResult> | null): Facts['probes'] => [
  {
    probe: {
      name: 'traefik-to-portainer',
      from: 'ct102',
      url: 'https://portainer.internal.thinkheads.ai',
      connectTimeout: 3,
      expect: 'reachable',
    },
    result: result ? { ...seedCurl, ...result } : null,
    evidence: null,
  },
];

export const seedFiles = (): Record<string, string> => readTree(join(FIXTURES, 'pve/seed'));

export function seedFacts(): Facts {
  return factsFrom(seedFiles(), {
    guestsRequested: [101, 102, 103, 1001],
    ruleset: {
      backend: 'iptables',
      file: 'commands/iptables-save.out',
      chains: ['veth102i0-IN', 'tap1001i0-IN'],
      guestDevices: ['veth102i0', 'tap1001i0'],
    },
    captures: [seedCapture],
    captureHosts: ['10.0.0.12', '10.0.0.101'],
    probes: [
      {
        probe: {
          name: 'traefik-to-portainer',
          from: 'ct102',
          url: 'https://portainer.internal.thinkheads.ai',
          cacert: '/ssl/phoenix_ca.crt',
          connectTimeout: 3,
          expect: 'reachable',
        },
        result: seedCurl,
        evidence: 'probes/traefik-to-portainer.curl.txt',
      },
    ],
  });
}

const SEED_META = {
  startedAt: '2026-11-25T18:49:00Z',
  finishedAt: '2026-11-25T18:49:30Z',
  evidence: [],
  reportId: 'pve-20261125T184900Z',
  evidenceDigest: 'd',
  incompleteSteps: [],
};

// The seed analysed against the admin's Phoenix JSON, as the story has it.
export async function seedReport(): Promise<Report> {
  const intent = await loadPhoenix(join(FIXTURES, 'phoenix/seed'));
  return analyse(seedFacts(), intent, { ...SEED_META, files: seedFiles() });
}
