import { createTwoFilesPatch } from 'diff';
import type { EvidenceChange } from '../schema/diff.js';
import { normalise } from './noise.js';

// Evidence of two runs, path -> bytes (null: not in that run). Only text files get a unified diff;
// a binary file (a pcap) is listed as changed, its content is summed up by the flows.
export type EvidenceSet = ReadonlyMap<string, Buffer>;

const MAX_LINES = 400; // per file: a patch longer than this is cut, and says so

export function diffEvidence(
  before: EvidenceSet,
  after: EvidenceSet,
): { changes: EvidenceChange[]; noiseOnly: string[] } {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: EvidenceChange[] = [];
  const noiseOnly: string[] = [];
  for (const path of paths) {
    const a = before.get(path) ?? null;
    const b = after.get(path) ?? null;
    if (a && b && a.equals(b)) continue;
    const change = a === null ? 'added' : b === null ? 'removed' : 'changed';
    const binary = (a?.includes(0) ?? false) || (b?.includes(0) ?? false);
    if (binary) {
      changes.push({ path, change, binary: true, patch: null, truncated: false });
      continue;
    }
    const left = normalise(a?.toString('utf8') ?? '');
    const right = normalise(b?.toString('utf8') ?? '');
    if (change === 'changed' && left === right) {
      noiseOnly.push(path);
      continue;
    }
    const full = createTwoFilesPatch(`a/${path}`, `b/${path}`, left, right, undefined, undefined, { context: 3 });
    // drop the "Index:" and "===" lines createTwoFilesPatch puts first: a plain unified diff remains
    const lines = full.split('\n').filter((l, i) => !(i < 2 && (l.startsWith('Index:') || l.startsWith('===='))));
    const truncated = lines.length > MAX_LINES;
    const patch = (truncated ? [...lines.slice(0, MAX_LINES), `... ${lines.length - MAX_LINES} more lines`] : lines)
      .join('\n')
      .replace(/\n+$/, '\n');
    changes.push({ path, change, binary: false, patch, truncated });
  }
  return { changes, noiseOnly };
}
