import type { CurlResult } from '../../schema/observe.js';
import { applyFirst, type LineRule } from './rules.js';

// Name resolution and TCP connect lines of curl -v, curl 7.88 and 8.x wording.

type Attempt = CurlResult['connectAttempts'][number];

const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-fA-F:]*:[0-9a-fA-F:.]*\]?)$/;

export function isIpLiteral(host: string): boolean {
  return IP_LITERAL.test(host);
}

function unbracket(address: string): string {
  return address.replace(/^\[(.*)\]$/, '$1');
}

// "Connection refused" -> "refused"; the schema keeps outcome free-form, these are the usual ones.
export function connectOutcome(reason: string): string {
  const r = reason.toLowerCase();
  if (r.includes('refused')) return 'refused';
  if (r.includes('timed out') || r.includes('timeout')) return 'timeout';
  if (r.includes('no route') || r.includes('unreachable')) return 'unreachable';
  return `failed: ${reason.trim()}`;
}

export class ConnectLines {
  host: string | null = null; // the name curl was asked for
  readonly resolveEntries = new Map<string, string[]>(); // --resolve host -> addresses
  readonly dnsAddresses: string[] = []; // curl 8.x "IPv4: ..." / "IPv6: ..." lines
  dnsFailed = false;
  dnsError: string | null = null;
  readonly attempts: Attempt[] = [];
  connectedTo: string | null = null;
  connectedAddress: string | null = null;
  readonly timings: Record<string, number> = {};

  private readonly rules: LineRule[] = [
    [
      /^Added (\S+?):(\d+):(\S+) to DNS cache/,
      (m) => {
        this.host ??= m[1]!;
        this.resolveEntries.set(m[1]!, m[3]!.split(',').map(unbracket));
      },
    ],
    [/^Hostname (\S+) was found in DNS cache/, (m) => (this.host ??= m[1]!)],
    [/^Host (\S+?):(\d+) was resolved\.?$/, (m) => (this.host ??= m[1]!)],
    [
      /^IPv[46]: (.+)$/,
      (m) => {
        for (const a of m[1]!.split(',')) if (a.trim() !== '(none)') this.dnsAddresses.push(unbracket(a.trim()));
      },
    ],
    [
      /^\s*Trying (\[[^\]]+\]|[^\s:]+):(\d+)/,
      (m) => this.attempts.push({ address: unbracket(m[1]!), port: Number(m[2]), outcome: 'pending' }),
    ],
    [
      /^Connected to (\S+) \(([^)]+)\) port (\d+)/,
      (m) => {
        this.host ??= m[1]!;
        const address = unbracket(m[2]!);
        this.connectedAddress = address;
        this.connectedTo = `${address.includes(':') ? `[${address}]` : address}:${m[3]}`;
        this.settle(address, Number(m[3]), 'connected');
      },
    ],
    [
      /^connect to (\S+) port (\d+)(?: from \S+ port \d+)? failed: (.+)$/,
      (m) => this.settle(unbracket(m[1]!), Number(m[2]), connectOutcome(m[3]!)),
    ],
    [
      /^(ipv[46]) connect timeout after (\d+) ?ms/,
      (m) => {
        this.timings.connectTimeoutMs = Number(m[2]);
        const v6 = m[1] === 'ipv6';
        const a = this.attempts.find((x) => x.outcome === 'pending' && x.address.includes(':') === v6);
        if (a) a.outcome = 'timeout';
      },
    ],
    [
      /^Failed to connect to (\S+) port (\d+) after (\d+) ms: (.+)$/,
      (m) => {
        this.host ??= unbracket(m[1]!);
        this.timings.failedAfterMs = Number(m[3]);
        if (/timeout|timed out/i.test(m[4]!)) this.settleAll('timeout');
      },
    ],
    [
      /^Connection timed out after (\d+) milli/,
      (m) => {
        this.timings.failedAfterMs = Number(m[1]);
        this.settleAll('timeout');
      },
    ],
    [
      /^(Could not resolve (?:host|proxy): (\S+))/,
      (m) => {
        this.host ??= m[2]!;
        this.dnsFailed = true;
        this.dnsError = m[1]!;
      },
    ],
  ];

  read(text: string): boolean {
    return applyFirst(text, this.rules);
  }

  private settle(address: string, port: number, outcome: string): void {
    const a = this.attempts.find((x) => x.outcome === 'pending' && x.address === address && x.port === port);
    if (a) a.outcome = outcome;
    else this.attempts.push({ address, port, outcome });
  }

  private settleAll(outcome: string): void {
    for (const a of this.attempts) if (a.outcome === 'pending') a.outcome = outcome;
  }

  resolved(): CurlResult['resolved'] {
    if (this.dnsFailed) return null;
    const host = this.host;
    const address =
      this.connectedAddress ??
      this.attempts[0]?.address ??
      this.dnsAddresses[0] ??
      (host ? this.resolveEntries.get(host)?.[0] : undefined);
    if (!host || !address) return null;
    const via = this.resolveEntries.has(host) ? 'resolve' : isIpLiteral(host) ? 'literal' : 'dns';
    return { host: unbracket(host), address, via };
  }
}
