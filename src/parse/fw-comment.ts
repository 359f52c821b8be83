// Proxmox splits every firewall line at its first '#': the rest is the comment, whatever it holds.
// trimEnd, not /\s+$/: the regex retries from every space of a long run (quadratic, issue 11).
export function splitComment(line: string): { body: string; comment: string | null } {
  const hash = line.indexOf('#');
  if (hash < 0) return { body: line, comment: null };
  return { body: line.slice(0, hash).trimEnd(), comment: line.slice(hash + 1).trim() };
}
