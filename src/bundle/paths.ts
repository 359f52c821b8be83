import { isAbsolute, normalize, sep } from 'node:path';
import { EvidenceError } from '../lib/errors.js';

// The report directory layout of DESIGN.md.
export const MANIFEST = 'manifest.json';
export const EVIDENCE_DIR = 'evidence';
export const LATEST = 'latest';
// Sign-offs (pveaudit sign) sign manifest.json, so they live beside it and outside it.
export const SIGNATURES_DIR = 'signatures';

// Evidence paths are relative, forward-slashed and may not climb out of evidence/.
export function checkEvidencePath(path: string): string {
  const norm = normalize(path).split(sep).join('/');
  if (isAbsolute(path) || norm.startsWith('../') || norm === '..' || norm.includes('/../') || norm === '.') {
    throw new EvidenceError(`evidence path "${path}" must be relative and stay inside evidence/`);
  }
  return norm;
}

// 2026-11-25T18:49:00.123Z -> 20261125T184900Z, the directory name of a run.
export function runId(startedAt: Date): string {
  return startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
