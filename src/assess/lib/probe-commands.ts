import type { Facts } from '../../schema/facts.js';

// Commands run inside the probing guest, the way the audit ran its probe.

type Probe = Facts['probes'][number]['probe'];

export function inGuest(from: string, argv: string): string {
  const m = /^(ct|vm)(\d+)$/.exec(from);
  if (!m) return argv;
  return m[1] === 'ct' ? `pct exec ${m[2]} -- ${argv}` : `qm guest exec ${m[2]} -- ${argv}`;
}

// The probe again, quiet, printing only the HTTP status: what proves a fix.
export function curlAgain(p: Probe): string {
  const parts = [
    'curl',
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    "'%{http_code}\\n'",
    '--connect-timeout',
    String(p.connectTimeout),
  ];
  if (p.cacert) parts.push('--cacert', p.cacert);
  if (p.resolve) parts.push('--resolve', p.resolve);
  parts.push(p.url);
  return inGuest(p.from, parts.join(' '));
}

export const urlHost = (url: string): string => /^https?:\/\/([^/:]+)/.exec(url)?.[1] ?? url;
