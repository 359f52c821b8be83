import type { Issue } from '../schema/common.js';
import type { CurlResult } from '../schema/observe.js';
import { ConnectLines } from './curl/connect.js';
import { curlLines } from './curl/lines.js';
import { phaseFor } from './curl/phase.js';
import { applyFirst, type LineRule } from './curl/rules.js';
import { TlsLines } from './curl/tls.js';

// Reads the output of `curl -v ... 2>&1` (curl 7.88 as on Debian 12, and curl 8.x wording) into what
// happened in each phase: resolution, connect, TLS, HTTP. Total: odd input gives issues, never throws.

export interface CurlParseOptions {
  file: string;
  exitCode: number | null; // null when the collector could not record it: derived from the text
  url?: string; // the probed URL, when the caller knows it
}

const TIMING = /^\s*(time_[a-z_]+)\s*[:=]\s*([\d.]+)\s*$/; // [\d.]+ cannot eat spaces: linear

export function parseCurlVerbose(text: string, opts: CurlParseOptions): CurlResult {
  const issues: Issue[] = [];
  const issue = (code: string, message: string, line?: number) =>
    issues.push({ file: opts.file, severity: 'warning', code, message, ...(line ? { line } : {}) });
  const conn = new ConnectLines();
  const tls = new TlsLines();
  // Filled by the rule tables below (an object, so the compiler sees the closures' writes).
  const st = {
    error: null as string | null,
    errorCode: null as number | null,
    statusLine: null as string | null,
    httpStatus: null as number | null,
    request: null as { method: string; path: string } | null,
    requestHost: null as string | null,
    httpError: null as string | null,
  };
  let verbose = false;
  const timings: Record<string, number> = {};

  const input = typeof text === 'string' ? text : '';
  const info: LineRule[] = [
    [
      /^(The requested URL returned error: .+|Empty reply from server|Recv failure: .+|Send failure: .+)$/,
      (m) => (st.httpError ??= m[1]!),
    ],
  ];
  const requestRules: LineRule[] = [
    [/^([A-Z]+) (\S+) HTTP\/[\d.]+\s*$/, (m) => (st.request ??= { method: m[1]!, path: m[2]! })],
    [/^host: (\S+)/i, (m) => (st.requestHost ??= m[1]!)],
  ];
  const responseRules: LineRule[] = [
    [
      // (.*) then trimEnd: a lazy (.*?)\s*$ is quadratic in a long space run (issue 11)
      /^(HTTP\/[\d.]+) (\d{3})\b ?(.*)$/,
      (m) => {
        const reason = m[3]!.trimEnd();
        st.httpStatus = Number(m[2]);
        st.statusLine = `${m[1]} ${m[2]}${reason ? ` ${reason}` : ''}`;
      },
    ],
  ];
  const errorRules: LineRule[] = [
    [
      /^curl: \((\d+)\) ?(.*)$/,
      (m) => {
        st.errorCode = Number(m[1]);
        st.error = m[0].trim();
      },
    ],
  ];
  const otherRules: LineRule[] = [[TIMING, (m) => (timings[m[1]!] = Number(m[2]))]];

  for (const l of curlLines(input)) {
    if (l.kind === 'info') {
      verbose = true;
      if (!conn.read(l.text) && !tls.read(l.text)) applyFirst(l.text, info);
    } else if (l.kind === 'request') {
      verbose = true;
      applyFirst(l.text, requestRules);
    } else if (l.kind === 'response') applyFirst(l.text, responseRules);
    else if (l.kind === 'error') applyFirst(l.text, errorRules);
    else if (l.kind === 'other') applyFirst(l.text, otherRules);
  }

  if (input.trim() === '') issue('curl-empty', 'the curl output is empty');
  else if (!verbose && st.error === null)
    issue('curl-not-verbose', 'no curl -v lines found: was curl run with -v and 2>&1?');
  if (opts.exitCode !== null && st.errorCode !== null && opts.exitCode !== st.errorCode)
    issue('curl-exit-mismatch', `exit code ${opts.exitCode} but curl printed error (${st.errorCode})`);
  if (opts.exitCode !== null && opts.exitCode !== 0 && st.errorCode === null && input.trim() !== '')
    issue(
      'curl-no-error-line',
      `curl exited ${opts.exitCode} without printing its error line (run without -s, or with -sS)`,
    );

  const exitCode = opts.exitCode ?? st.errorCode ?? (st.httpStatus !== null && !st.error ? 0 : null);
  const connected = conn.connectedTo !== null;
  const phase = phaseFor(exitCode, {
    dnsFailed: conn.dnsFailed,
    connected,
    tlsStarted: tls.started,
    tlsEstablished: tls.established,
    httpStatus: st.httpStatus,
  });
  const scheme = tls.started ? 'https' : 'http';
  const url = opts.url ?? (st.request && st.requestHost ? `${scheme}://${st.requestHost}${st.request.path}` : null);
  for (const a of conn.attempts) if (a.outcome === 'pending') a.outcome = phase === 'connect' ? 'failed' : 'unknown';
  return {
    file: opts.file,
    exitCode,
    phase,
    error: st.error ?? tls.failure ?? st.httpError ?? conn.dnsError,
    url,
    resolved: conn.resolved(),
    connectAttempts: conn.attempts,
    connectedTo: conn.connectedTo,
    tls: tls.started ? tls.value : null,
    httpStatus: st.httpStatus,
    statusLine: st.statusLine,
    timings: { ...conn.timings, ...timings },
    issues,
  };
}
