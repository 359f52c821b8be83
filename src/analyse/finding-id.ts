import { sha256 } from '../lib/hash.js';

// Stable across runs: the same check, subject and (normalised) rule give the same id, so a diff
// can tell new, resolved and persisting findings apart.
export function findingId(checkId: string, subject: string, rule: string | undefined): string {
  const normalised = (rule ?? '').trim().replace(/\s+/g, ' ');
  return `f-${sha256(`${checkId}\u0000${subject}\u0000${normalised}`).slice(0, 12)}`;
}
