import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { InputError } from '../lib/errors.js';
import { parseIniInventory } from './inventory-ini.js';
import { isListJson, parseListJson } from './inventory-json.js';
import { type Inventory, InventoryBuilder, type InventoryHost, type Where } from './inventory-model.js';
import { type LineOf, parseYamlInventory } from './inventory-yaml.js';
import { yamlValue } from './yaml-file.js';

export type { Inventory, InventoryHost, Where } from './inventory-model.js';

// What Ansible skips when it reads a directory of inventory files (its default ignore lists).
const IGNORED_EXT = [
  '.pyc',
  '.pyo',
  '.swp',
  '.bak',
  '~',
  '.rpm',
  '.md',
  '.txt',
  '.rst',
  '.orig',
  '.ini',
  '.cfg',
  '.retry',
];
const IGNORED_NAME = /^(\..*|host_vars|group_vars|vars_plugins)$/;

// An inventory as `ansible-inventory -i PATH` reads it: one file in any of INI, YAML or the JSON of
// `ansible-inventory --list` (told apart by content, not by name), or a directory of such files; plus
// group_vars/ and host_vars/ beside it.
export async function loadInventory(path: string): Promise<Inventory> {
  const inv = new InventoryBuilder();
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'inventory not found' : `cannot read: ${(err as Error).message}`, {
      file: path,
      cause: err,
    });
  }
  if (isDir) {
    const files = inventoryFiles(path);
    if (files.length === 0) throw new InputError('the inventory directory holds no inventory file', { file: path });
    for (const f of files) parseInventoryText(f, readText(f), inv);
  } else {
    parseInventoryText(path, readText(path), inv);
  }
  readVarsDirs(isDir ? path : dirname(path), inv);
  return inv.build(path);
}

function inventoryFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !IGNORED_NAME.test(e.name) && !IGNORED_EXT.some((x) => e.name.endsWith(x)))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => {
      const full = join(dir, e.name);
      if (e.isDirectory()) return inventoryFiles(full);
      return e.isFile() || statSync(full).isFile() ? [full] : [];
    });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new InputError(`cannot read: ${(err as Error).message}`, { file, cause: err });
  }
}

// Tells the format by content: a [section] header is INI; a mapping is YAML, or the --list JSON when
// it has _meta or groups with host lists; plain host names are INI too.
export function parseInventoryText(file: string, text: string, inv: InventoryBuilder): void {
  const first = text
    .split(/\r?\n/)
    .find((l) => l.trim() !== '' && !/^\s*[#;]/.test(l))
    ?.trim();
  if (first === undefined) return;
  if (/^\[[^\]]+\]\s*(?:[#;].*)?$/.test(first) && !/^\[\s*["{[]/.test(first)) {
    parseIniInventory(file, text, inv);
    return;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const err = doc.errors[0];
  if (err) {
    // A file that starts like YAML or JSON gets the YAML error; anything else is read as INI.
    if (/^[^\s=[]+:(\s|$)/.test(first) || first.startsWith('{') || first.startsWith('---')) {
      throw new InputError(`not valid YAML: ${err.message.split('\n')[0]}`, { file, line: err.linePos?.[0]?.line });
    }
    parseIniInventory(file, text, inv);
    return;
  }
  const raw = yamlValue(doc, file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    parseIniInventory(file, text, inv);
    return;
  }
  const lineOf = linesOf(doc, lineCounter);
  if (typeof (raw as Record<string, unknown>).plugin === 'string') {
    throw new InputError(
      `this is the configuration of inventory plugin "${(raw as Record<string, unknown>).plugin}": run \`ansible-inventory -i ${file} --list > inventory.json\` and pass inventory.json`,
      { file, line: lineOf(['plugin']) },
    );
  }
  if (isListJson(raw)) parseListJson(file, raw, inv, lineOf);
  else parseYamlInventory(file, raw, inv, lineOf);
}

// The line of the key a path ends in (of its value for a list item), else of the nearest parent.
function linesOf(doc: Document, counter: LineCounter): LineOf {
  return (path) => {
    for (let n = path.length; n > 0; n--) {
      const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
      const key = path[n - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
        const range = isScalar(pair?.key) ? pair.key.range : undefined;
        if (range) return counter.linePos(range[0]).line;
      } else if (isSeq(parent)) {
        const item = parent.items[Number(key)];
        if (isNode(item) && item.range) return counter.linePos(item.range[0]).line;
      }
    }
    return isNode(doc.contents) && doc.contents.range ? counter.linePos(doc.contents.range[0]).line : undefined;
  };
}

// group_vars/<group> and host_vars/<host> beside the inventory: a YAML/JSON file (no extension,
// .yml, .yaml or .json) or a directory of them, as Ansible's host_group_vars plugin reads them.
function readVarsDirs(base: string, inv: InventoryBuilder): void {
  const kinds = [
    { dir: 'group_vars', names: inv.groupNames(), set: inv.groupFileVar.bind(inv) },
    { dir: 'host_vars', names: inv.hostNames(), set: inv.hostFileVar.bind(inv) },
  ];
  for (const { dir, names, set } of kinds) {
    const root = join(base, dir);
    let entries: string[];
    try {
      entries = readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names) {
      const matches = entries
        .filter(
          (e) => e === name || (basename(e, extname(e)) === name && ['.yml', '.yaml', '.json'].includes(extname(e))),
        )
        .sort()
        .flatMap((e) => varFiles(join(root, e)));
      for (const f of matches) {
        for (const [k, v, where] of readVarsFile(f)) set(name, k, v, where);
      }
    }
  }
}

function varFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((e) => !e.startsWith('.') && ['', '.yml', '.yaml', '.json'].includes(extname(e)))
    .sort()
    .flatMap((e) => varFiles(join(path, e)));
}

function readVarsFile(file: string): [string, unknown, Where][] {
  const text = readText(file);
  if (text.startsWith('$ANSIBLE_VAULT')) {
    throw new InputError(
      'is encrypted with ansible-vault; pveaudit cannot decrypt it (move the SSH settings pveaudit needs to a plain file)',
      { file },
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const err = doc.errors[0];
  if (err)
    throw new InputError(`not valid YAML: ${err.message.split('\n')[0]}`, { file, line: err.linePos?.[0]?.line });
  const raw = yamlValue(doc, file);
  if (raw === null || raw === undefined) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('a vars file must be a mapping', { file });
  const lineOf = linesOf(doc, lineCounter);
  return Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, v, { file, line: lineOf([k]), field: k }]);
}

// An inventory given as already-parsed YAML (tests, and callers that hold the object).
export function parseInventory(path: string, raw: unknown): Inventory {
  const inv = new InventoryBuilder();
  parseYamlInventory(path, raw, inv);
  return inv.build(path);
}

// --limit as Ansible takes it: host or group names separated by , or :, "!name" excludes.
export function limitHosts(inv: Inventory, limit: string | undefined): InventoryHost[] {
  // An inventory without hosts (empty groups, a typo in "hosts:") would otherwise end at once with 0.
  if (inv.hosts.length === 0)
    throw new InputError('the inventory lists no hosts: nothing to audit', { file: inv.path });
  if (!limit) return inv.hosts;
  const terms = limit
    .split(/[,:]/)
    .map((t) => t.trim())
    .filter(Boolean);
  const include = new Set<string>();
  const exclude = new Set<string>();
  let hasInclude = false;
  for (const term of terms) {
    const negate = term.startsWith('!');
    const name = negate ? term.slice(1) : term;
    const matched = inv.groups.get(name) ?? (inv.hosts.some((h) => h.name === name) ? [name] : undefined);
    if (!matched) {
      throw new InputError(`--limit: "${name}" is neither a host nor a group in the inventory`, { file: inv.path });
    }
    if (!negate) hasInclude = true;
    for (const h of matched) (negate ? exclude : include).add(h);
  }
  const selected = inv.hosts.filter((h) => (!hasInclude || include.has(h.name)) && !exclude.has(h.name));
  if (selected.length === 0) throw new InputError(`--limit ${limit} selects no host`, { file: inv.path });
  return selected;
}
