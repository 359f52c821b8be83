import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../lib/errors.js';

// Reads a YAML input file; a syntax error names the file and line.
export async function readYamlFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`, {
      file: path,
      cause: err,
    });
  }
  const doc = parseDocument(text);
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    throw new InputError(`not valid YAML: ${first.message.split('\n')[0]}`, { file: path, line });
  }
  return doc.toJS();
}

type Issue = z.core.$ZodIssue;

// The first zod issue as "probes.0.url: message", so a user finds the field at once. For a union
// (guests: all | [vmid]) the deepest branch issue says more than "invalid input".
export function zodFailure(file: string, error: z.ZodError): InputError {
  const issue = deepest(error.issues[0]);
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  return new InputError(issue?.message ?? 'invalid', { file, field });
}

function deepest(issue: Issue | undefined): Issue | undefined {
  if (issue?.code !== 'invalid_union') return issue;
  const branches = issue.errors.flat().map((i) => deepest(i) as Issue);
  const best = branches.sort((a, b) => b.path.length - a.path.length)[0];
  return best ? { ...best, path: [...issue.path, ...best.path] } : issue;
}
