import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { openBundleWriter, readBundle } from '../../bundle/index.js';
import { collectHost, NOT_PROXMOX } from '../../collect/run-plan.js';
import { connect, type SshSession } from '../../collect/ssh.js';
import { buildBaseline } from '../../intent/baseline.js';
import { ConnectionError, OutputError, UsageError } from '../../lib/errors.js';
import { parseBundle } from '../../parse/index.js';
import { limitHosts, loadInventory } from '../../plan/inventory.js';
import { joinArgv } from '../../plan/quote.js';
import { resolveTargets } from '../../plan/targets.js';
import { AuditFileSchema } from '../../schema/audit.js';
import { knownHostsOf } from '../audit-host.js';
import type { Io } from '../io.js';

export interface InitOptions {
  inventory: string;
  limit?: string;
  out?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
  force?: boolean;
}

const AUDIT = 'audit.yml';
const INTENT = 'intent.yml';

// `pveaudit init`: one read-only collection (the facts and guest steps of a run, no capture, no
// probe), then a starting audit.yml and an intent.yml recording the node's firewall as it is now.
export async function initCommand(opts: InitOptions, io: Io): Promise<number> {
  const inventory = await loadInventory(opts.inventory);
  const hosts = limitHosts(inventory, opts.limit);
  if (hosts.length !== 1) {
    throw new UsageError(
      `init writes the files for one node: --limit must select one host, not ${hosts.length} (${hosts
        .slice(0, 5)
        .map((h) => h.name)
        .join(', ')}${hosts.length > 5 ? ', ...' : ''})`,
    );
  }
  const [target] = resolveTargets(inventory, hosts);
  if (!target) throw new UsageError('no host selected');
  const outDir = opts.out ?? '.';
  const paths = { audit: join(outDir, AUDIT), intent: join(outDir, INTENT) };
  for (const p of Object.values(paths)) {
    if (existsSync(p) && !opts.force)
      throw new UsageError(`${p} exists; init never overwrites it (--force to replace)`);
  }

  const audit = AuditFileSchema.parse({ guests: 'all' });
  const scratch = await mkdtemp(join(tmpdir(), 'pveaudit-init-'));
  const startedAt = new Date();
  const open = () =>
    connect(target, { ...knownHostsOf(target, opts.knownHosts ?? null), acceptNew: Boolean(opts.acceptNewHostKeys) });
  const sessions: SshSession[] = [];
  try {
    const writer = await openBundleWriter({ reportsRoot: scratch, host: target.name, startedAt });
    sessions.push(await open());
    const result = await collectHost({
      session: sessions[0] as SshSession,
      reconnect: async () => {
        const s = await open();
        sessions.push(s);
        return s;
      },
      writer,
      audit,
      host: target.name,
    });
    if (result.notProxmox) throw new ConnectionError('E_NOT_PROXMOX', `${target.name}: ${NOT_PROXMOX}`);
    if (result.lost) throw new ConnectionError('E_CONNECTION', `${target.name}: the connection was lost during init`);
    await writer.seal({
      host: {
        name: target.name,
        address: target.address,
        port: target.port,
        user: target.user,
        hostKeyFingerprint: (sessions[0] as SshSession).hostKeyFingerprint,
      },
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      source: 'ssh' as const,
      plan: result.plan.steps.map((s) => ({ id: s.id, kind: s.kind, command: s.command })),
      steps: result.steps,
      redactions: result.redactions,
      audit,
    });
    const { facts } = await parseBundle(await readBundle(writer.dir));
    const baseline = buildBaseline(facts, {
      host: target.name,
      inventory: opts.inventory,
      at: startedAt.toISOString(),
      intentFile: INTENT,
    });
    try {
      await mkdir(outDir, { recursive: true });
      await writeFile(paths.audit, baseline.audit);
      await writeFile(paths.intent, baseline.intent);
    } catch (err) {
      throw new OutputError(`cannot write into ${outDir}: ${(err as Error).message}`, err);
    }
    await writer.abort();
    for (const g of io.level === 'quiet' ? [] : baseline.guests) {
      io.out(`${g.zone}${g.name ? ` ${g.name}` : ''}: ${g.ips.length ? g.ips.join(', ') : 'no static IPv4 address'}`);
    }
    for (const m of facts.missing) io.err(`pveaudit: init: could not read ${m.step}: ${m.reason}`);
    io.out(
      `wrote ${paths.audit} (${baseline.guests.length} guests, ${baseline.flows.length} flows from the rules) and ${paths.intent} (the firewall as it is now)`,
    );
    io.out('review the lines marked REVIEW, then run:');
    const rel = (p: string) => relative(process.cwd(), resolve(p)) || '.';
    io.out(
      `  ${joinArgv(['pveaudit', 'run', '-i', opts.inventory, '-a', rel(paths.audit), '--limit', target.name, ...(opts.knownHosts ? ['--known-hosts', opts.knownHosts] : [])])}`,
    );
    return facts.missing.length > 0 ? 2 : 0;
  } finally {
    for (const s of sessions) s.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
