import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);

// Reports are read across time zones: always UTC, never the renderer's local zone.
export function formatUtc(iso: string): string {
  const d = dayjs.utc(iso);
  return d.isValid() ? `${d.format('YYYY-MM-DD HH:mm:ss')} UTC` : iso;
}

export function formatUtcDate(iso: string): string {
  const d = dayjs.utc(iso);
  return d.isValid() ? d.format('YYYY-MM-DD') : iso;
}

// "27 s", "2 min 5 s": a run's length, from two ISO timestamps.
export function formatElapsed(fromIso: string, toIso: string): string | null {
  const a = dayjs.utc(fromIso);
  const b = dayjs.utc(toIso);
  if (!a.isValid() || !b.isValid()) return null;
  const s = Math.max(0, Math.round(b.diff(a) / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return 'n/a';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

// "+1.00 s": offsets in a packet sequence, relative to its first packet.
export function formatOffset(seconds: number): string {
  return `+${seconds.toFixed(2)} s`;
}
