// pcap timestamps -> ISO 8601 UTC with microseconds (nanoseconds are truncated to fit the schema).
export function isoTime(sec: number, frac: number, nanosecond: boolean): string {
  let us = nanosecond ? Math.floor(frac / 1000) : frac;
  const s = sec + Math.floor(us / 1e6);
  us %= 1e6;
  const base = new Date(s * 1000).toISOString();
  return `${base.slice(0, 19)}.${String(us).padStart(6, '0')}Z`;
}
