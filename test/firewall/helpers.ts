import { readPveDir } from '../../src/cli/commands/simulate.js';
import { buildModel } from '../../src/firewall/model.js';
import type { FirewallModel } from '../../src/firewall/types.js';
import { parsePveTree } from '../../src/parse/pve-tree.js';

export const fixture = (name: string) => new URL(`../fixtures/pve/${name}`, import.meta.url).pathname;

export function modelOf(name: string, opts: { localNetwork?: string } = {}): FirewallModel {
  return buildModel(parsePveTree(readPveDir(fixture(name)), opts).config);
}

// A model from in-memory files, for one-off situations.
export function modelFrom(
  files: Record<string, string>,
  opts: { hostIp?: string; localNetwork?: string; now?: number } = {},
): FirewallModel {
  const { now, ...tree } = opts;
  return buildModel(parsePveTree(new Map(Object.entries(files)), tree).config, now === undefined ? {} : { now });
}
