import type { PROBE_REASONS } from '../schema/reason.js';
import { type Phrase, plural, str } from './words.js';

// The tried traffic: which step failed and why, from curl and the capture.

const target = (p: Record<string, unknown>) =>
  `${str(p.address as string | undefined, 'the server')}${p.port !== undefined ? `:${str(p.port as number)}` : ''}`;

export const PROBE_PHRASES: Record<(typeof PROBE_REASONS)[number], Phrase> = {
  'probe-ok': (p) => `it connected${p.status ? ` (HTTP ${str(p.status)})` : ''}`,
  'dns-failed': (p) =>
    `the name ${str(p.name, 'of the URL')} does not resolve in ${str(p.client, 'the client')}${p.error ? ` (${str(p.error)})` : ''}: no packet was sent; fix DNS, not the firewall`,
  'service-refused': (p) =>
    `${str(p.server, 'the server')} answers the SYN with a TCP reset: nothing listens on port ${str(p.port)} at ${str(p.address)}; start or fix the service, not the firewall`,
  'firewall-reset': () => "the SYN is answered with a TCP reset: the firewall's REJECT",
  'syn-unanswered': (p) =>
    `${plural(Number(p.syns ?? 0), 'SYN')} to ${target(p)} crossed the bridge and got no reply although the node's firewall files accept it: ${str(p.server, 'the server')} is down, filters inside the guest, or replies by another route`,
  'no-syn-seen': (p) =>
    `curl timed out and the capture saw no packet from ${str(p.client, 'the client')} to ${target(p)}: the traffic never reached the bridge (the client's own routing or firewall, or a wrong address)`,
  'icmp-unreachable': (p) => `an ICMP unreachable came back for ${target(p)}`,
  'connect-failed': (p) => `curl could not connect to ${target(p)}${p.error ? ` (${str(p.error)})` : ''}`,
  'tls-untrusted': (p) =>
    `TCP connects, but ${str(p.client, 'the client')} does not trust the certificate ${str(p.server, 'the server')} presents${
      p.cacert ? `, checked against ${str(p.cacert)}` : ''
    }${p.error ? ` (${str(p.error)})` : ''}: fix the server certificate or the CA the client trusts, not the firewall`,
  'tls-failed': (p) =>
    `TCP connects, but the TLS handshake with ${str(p.server, 'the server')} fails${p.error ? ` (${str(p.error)})` : ''}: not the firewall`,
  'http-failed': (p) =>
    `TCP and TLS complete, but the HTTP exchange with ${str(p.server, 'the server')} fails${
      p.status ? ` (HTTP ${str(p.status)})` : p.error ? ` (${str(p.error)})` : ''
    }: the service is at fault`,
  'guest-not-running': (p) =>
    `${str(p.guest, `guest ${str(p.vmid)}`)} is not running, so the probe could not run inside it${p.error ? ` (${str(p.error)})` : ''}`,
  'probe-not-run': (p) => `the probe did not run${p.error ? ` (${str(p.error)})` : ''}`,
  'not-simulated': (p) => `it could not be simulated (${str(p.error)})`,
};
