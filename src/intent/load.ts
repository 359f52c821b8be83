import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { findCycle } from '../lib/cycle.js';
import { InputError } from '../lib/errors.js';
import { IntentSchema } from '../schema/intent.js';
import { importPhoenix } from './phoenix.js';
import { PHOENIX_FILES, PhoenixHypervisorSchema, PhoenixLxcSchema, PhoenixVmSchema } from './phoenix-schema.js';
import type { LoadedIntent } from './schema.js';
import { intentInputError } from './zod-issue.js';

// The only file-system code of intent/: read, parse, validate, then hand pure values on.

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'error'})`, {
      file: path,
      cause,
    });
  }
}

function parseText(path: string, text: string): unknown {
  try {
    // YAML 1.2 is a superset of JSON, so one parser serves both; JSON files still get JSON.parse
    // so their syntax errors read the way JSON users expect.
    if (/\.json$/i.test(path)) return JSON.parse(text);
    const doc = parseDocument(text);
    const first = doc.errors[0];
    if (first) throw first;
    return checkedYaml(doc.toJS({ maxAliasCount: 1000 }), path);
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    if (cause instanceof ReferenceError)
      throw new InputError('not accepted: its aliases (*name) expand to too much data', { file: path, cause });
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new InputError(`not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${message}`, { file: path, cause });
  }
}

// An anchor that contains itself would send validation into endless recursion.
function checkedYaml(value: unknown, path: string): unknown {
  const cycle = findCycle(value);
  if (cycle)
    throw new InputError('not accepted: an alias (*name) refers to a mapping or list it is inside of', {
      file: path,
      field: cycle,
    });
  return value;
}

function validate<S extends z.ZodType>(schema: S, path: string, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw intentInputError(path, result.error);
  return result.data;
}

/** Load a native intent file (YAML or JSON). Errors name the file and the field path. */
export async function loadIntent(path: string): Promise<LoadedIntent> {
  const intent = validate(IntentSchema.strict(), path, parseText(path, await readText(path)));
  return { source: 'native', file: path, intent };
}

/** Load the three Phoenix JSON files from `dir` and import both what they generate and what they mean. */
export async function loadPhoenix(dir: string): Promise<LoadedIntent> {
  const read = async <S extends z.ZodType>(name: string, schema: S): Promise<z.infer<S>> => {
    const path = join(dir, name);
    return validate(schema, path, parseText(path, await readText(path)));
  };
  const hypervisor = await read(PHOENIX_FILES.hypervisor, PhoenixHypervisorSchema);
  const lxc = await read(PHOENIX_FILES.lxc, PhoenixLxcSchema);
  const vm = await read(PHOENIX_FILES.vm, PhoenixVmSchema);
  return importPhoenix({ dir, hypervisor, lxc, vm });
}
