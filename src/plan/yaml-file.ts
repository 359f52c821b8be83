import { readFile } from 'node:fs/promises';
import { type Document, parseDocument } from 'yaml';
import type { z } from 'zod';
import { findCycle } from '../lib/cycle.js';
import { InputError } from '../lib/errors.js';
import { nearest } from '../lib/nearest.js';
import { clip } from '../lib/safe-text.js';
import { knownKeysAt } from '../schema/keys.js';

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
  return yamlValue(doc, path);
}

// A parsed document as plain values, refusing what would crash or exhaust later stages: alias
// bombs (the library stops expanding them) and anchors that contain themselves.
export function yamlValue(doc: Document, file: string): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw new InputError(
      err instanceof ReferenceError
        ? 'not accepted: its aliases (*name) expand to too much data'
        : `not valid YAML: ${String((err as Error).message).split('\n')[0]}`,
      { file, cause: err },
    );
  }
  const cycle = findCycle(value);
  if (cycle)
    throw new InputError('not accepted: an alias (*name) refers to a mapping or list it is inside of', {
      file,
      field: cycle,
    });
  return value;
}

type Issue = z.core.$ZodIssue;

// The first zod issue as "probes.0.url: message", so a user finds the field at once. For a union
// (guests: all | [vmid]) the deepest branch issue says more than "invalid input".
// With the schema, an unknown key (strict schemas refuse them: a typo like "probe:" would otherwise
// silently run no probes) names the nearest valid key, or the valid ones.
export function zodFailure(file: string, error: z.ZodError, schema?: z.ZodType): InputError {
  // a typo gives both "unknown key" and "missing key": the unknown one explains the other
  const issue = deepest(error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0]);
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  if (issue?.code === 'unrecognized_keys')
    return unknownKey(file, field, issue.keys, schema ? knownKeysAt(schema, issue.path) : []);
  return new InputError(issue?.message ?? 'invalid', { file, field });
}

function unknownKey(file: string, field: string | undefined, keys: readonly string[], known: string[]): InputError {
  const key = keys[0] ?? '';
  const guess = nearest(key, known);
  const hint = guess ? `; did you mean "${guess}"?` : known.length > 0 ? ` (valid keys: ${known.join(', ')})` : '';
  const more = keys.length > 1 ? ` (and ${keys.length - 1} more unknown key${keys.length > 2 ? 's' : ''})` : '';
  return new InputError(`unknown key "${clip(key, 80)}"${hint}${more}`, { file, field });
}

function deepest(issue: Issue | undefined): Issue | undefined {
  if (issue?.code !== 'invalid_union') return issue;
  const branches = issue.errors.flat().map((i) => deepest(i) as Issue);
  const best = branches.sort((a, b) => b.path.length - a.path.length)[0];
  return best ? { ...best, path: [...issue.path, ...best.path] } : issue;
}
