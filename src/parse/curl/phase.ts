import type { CurlResult } from '../../schema/observe.js';

// curl's exit code -> the phase that failed. Codes from libcurl-errors(3).

export type CurlPhase = CurlResult['phase'];

const DNS = new Set([5, 6]);
const CONNECT = new Set([7, 45]);
const TLS = new Set([35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98]);
const HTTP = new Set([8, 16, 18, 22, 47, 52, 55, 56, 61, 92, 95]);

export interface PhaseContext {
  dnsFailed: boolean;
  connected: boolean;
  tlsStarted: boolean;
  tlsEstablished: boolean;
  httpStatus: number | null;
}

// Where a transfer stopped, judged from the text alone.
export function phaseFromText(c: PhaseContext): CurlPhase {
  if (c.dnsFailed) return 'dns';
  if (!c.connected) return 'connect';
  if (c.tlsStarted && !c.tlsEstablished) return 'tls';
  return 'http';
}

export function phaseFor(exitCode: number | null, c: PhaseContext): CurlPhase {
  if (exitCode === 0) return 'done';
  if (exitCode === null) return c.httpStatus !== null ? 'done' : phaseFromText(c);
  if (DNS.has(exitCode)) return 'dns';
  if (CONNECT.has(exitCode)) return 'connect';
  if (TLS.has(exitCode)) return 'tls';
  if (HTTP.has(exitCode)) return 'http';
  // 28 (timeout) and anything else: where the text shows the transfer had got to.
  return phaseFromText(c);
}
