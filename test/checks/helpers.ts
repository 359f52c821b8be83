import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildContext } from '../../src/assess/build-context.js';
import type { CheckContext } from '../../src/assess/context.js';
import type { LoadedIntent } from '../../src/intent/schema.js';
import { parsePveTree } from '../../src/parse/pve-tree.js';
import type { Facts } from '../../src/schema/facts.js';
import type { Intent } from '../../src/schema/intent.js';

export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

// The base tree with one trap's files laid over it (a DELETE file lists paths to remove).
export function trapTree(trap: string | null): Record<string, string> {
  const files = readTree(join(FIXTURES, 'facts/base'));
  if (trap === null) return files;
  const over = readTree(join(FIXTURES, 'facts', trap));
  for (const path of (over.DELETE ?? '').split('\n').filter(Boolean)) delete files[path];
  delete over.DELETE;
  return { ...files, ...over };
}

export function factsFrom(files: Record<string, string>, extra: Partial<Facts> = {}): Facts {
  const tree = parsePveTree(new Map(Object.entries(files)), {
    nodename: 'pve',
    hostIp: '10.0.0.2',
    localNetwork: '10.0.0.0/24',
  });
  return {
    host: { name: 'pve', address: '10.0.0.2', node: 'pve', pveVersion: 'pve-manager/8.2.4' },
    pve: tree.config,
    platform: { proxmox: 'yes', step: 'pct-list', exitCode: 0 },
    nftablesBackend: tree.config.host?.options.nftables?.value === '1',
    status: { enabled: true, state: 'running', pendingChanges: false, warnings: [], issues: [] },
    localnet: null,
    ruleset: {
      backend: 'iptables',
      file: 'commands/iptables-save.out',
      chains: [],
      guestDevices: ['veth102i0', 'tap1001i0'],
    },
    captures: [],
    probes: [],
    captureHosts: [],
    guestsRequested: [102, 1001],
    missing: [],
    issues: tree.issues,
    ...extra,
  };
}

export function nativeIntent(intent: Intent, file = 'intent.yml'): LoadedIntent {
  return { source: 'native', file, intent };
}

export const baseIntent = (): LoadedIntent =>
  nativeIntent(parseYaml(readFileSync(join(FIXTURES, 'intent/base.yml'), 'utf8')) as Intent, 'base.yml');

export function ctxFor(
  trap: string | null,
  opts: { intent?: LoadedIntent | null; facts?: Partial<Facts> } = {},
): CheckContext {
  const files = trapTree(trap);
  const intent = opts.intent === undefined ? baseIntent() : opts.intent;
  return buildContext(factsFrom(files, opts.facts), intent, files);
}
