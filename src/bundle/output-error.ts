import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OutputError } from '../lib/errors.js';

const WORDS: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'a directory is in the way',
};

// A failed write under --out, in the words of its real cause. Node's recursive mkdir reports a
// read-only file system as ENOENT, so the nearest existing parent is asked directly.
export async function outputError(err: unknown, path: string): Promise<OutputError | unknown> {
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code !== 'string') return err;
  let why = WORDS[code];
  if (!why && code === 'ENOENT') {
    for (let p = path; ; p = dirname(p)) {
      const found = await access(p, constants.F_OK).then(
        () => true,
        () => false,
      );
      if (found) {
        const denied = await access(p, constants.W_OK).then(
          () => null,
          (e: NodeJS.ErrnoException) => e.code ?? null,
        );
        why = denied ? WORDS[denied] : undefined;
        break;
      }
      if (dirname(p) === p) break;
    }
  }
  if (!why) return err;
  return new OutputError(`cannot write the report under ${path}: ${why}`, err);
}

// Runs one write of the bundle, turning a file-system failure into a clear E_OUTPUT.
export async function writing<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw await outputError(err, path);
  }
}
