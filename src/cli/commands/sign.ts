import { hostname, userInfo } from 'node:os';
import { verifyBundle } from '../../bundle/index.js';
import { UsageError } from '../../lib/errors.js';
import { loadKeyFile } from '../../sign/key-file.js';
import { ROLES, type Role, signReport } from '../../sign/signoff.js';
import type { Io } from '../io.js';

// pveaudit sign REPORT_DIR --key FILE [--name NAME] [--role prepared|reviewed|approved]
export async function signCommand(
  opts: { dir: string; key: string; name?: string; role?: string },
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): Promise<number> {
  const role = (opts.role ?? 'reviewed') as Role;
  if (!ROLES.includes(role)) throw new UsageError(`unknown role "${opts.role}": use ${ROLES.join(', ')}`);
  const name = opts.name ?? `${userInfo().username}@${hostname()}`;
  if (name.trim() === '' || /[\r\n]/.test(name)) throw new UsageError('--name must be one non-empty line');
  // signing a report that no longer matches its manifest would vouch for files nobody checked
  const check = await verifyBundle(opts.dir);
  if (!check.ok) {
    const n = check.changed.length + check.missing.length + check.added.length;
    throw new UsageError(`${opts.dir} differs from its manifest in ${n} files; run pveaudit verify ${opts.dir}`);
  }
  const key = await loadKeyFile(opts.key);
  const r = await signReport({ dir: opts.dir, key, name, role, now, agentSocket: env.SSH_AUTH_SOCK });
  io.out(`signed ${opts.dir} as ${role} by ${name} (${r.fingerprint})`);
  io.out(`  ${r.sig}  (ssh-keygen -Y verify -n pveaudit-report ... < manifest.json)`);
  io.out(`  ${r.record}`);
  return 0;
}
