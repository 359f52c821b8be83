import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from '../lib/errors.js';
import { type AuditFile, AuditFileSchema } from '../schema/audit.js';
import { readYamlFile, zodFailure } from './yaml-file.js';

export interface LoadedAudit {
  path: string;
  audit: AuditFile; // intent / phoenix already resolved against the audit file's directory
}

// Loads and validates the audit file; any value that would reach a remote command is checked here,
// before a connection is opened.
export async function loadAuditFile(path: string): Promise<LoadedAudit> {
  const raw = await readYamlFile(path);
  const parsed = AuditFileSchema.safeParse(raw ?? {});
  if (!parsed.success) throw zodFailure(path, parsed.error, AuditFileSchema);
  // Probe names name evidence files: two alike would overwrite each other's output.
  const names = parsed.data.probes.map((p) => p.name);
  const dup = names.findIndex((n, i) => names.indexOf(n) !== i);
  if (dup >= 0)
    throw new InputError(`a probe named "${names[dup]}" already exists`, { file: path, field: `probes.${dup}.name` });
  const dir = dirname(resolve(path));
  const local = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(dir, p));
  return { path, audit: { ...parsed.data, intent: local(parsed.data.intent), phoenix: local(parsed.data.phoenix) } };
}
