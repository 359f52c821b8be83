import type { Issue } from '../schema/common.js';
import type { FwFile, FwFileKind, FwIpset } from '../schema/pve.js';
import { splitComment } from './fw-comment.js';
import { parseIpsetEntry } from './fw-ipset.js';
import { parseOptionLine } from './fw-options.js';
import { parseRuleLine, type RuleScope } from './fw-rule.js';
import { isCidrError, parseCidr } from './ip.js';

export interface FwFileOptions {
  kind: FwFileKind;
  path: string; // /etc/pve-relative
  // The parsed cluster.fw, for alias/ipset/group lookups from host and guest files.
  // undefined: those lookups are not checked; null: there is no cluster.fw.
  cluster?: FwFile | null;
}

type Section = { type: 'options' | 'aliases' | 'rules' } | { type: 'ipset' | 'group'; name: string } | null;

const ALLOWED: Record<FwFileKind, Set<string>> = {
  cluster: new Set(['options', 'aliases', 'ipset', 'rules', 'group']),
  host: new Set(['options', 'rules']),
  guest: new Set(['options', 'aliases', 'ipset', 'rules']),
};

const NAME_RE = /^[A-Za-z][A-Za-z0-9_-]+$/;

// Parses cluster.fw, host.fw or <vmid>.fw as Perl's generic_fw_config_parser does: one pass,
// lenient (a bad line is skipped with an issue), definitions visible only below them.
export function parseFwFile(text: string, opts: FwFileOptions): FwFile {
  const file: FwFile = {
    kind: opts.kind,
    path: opts.path,
    options: {},
    aliases: {},
    ipsets: {},
    rules: [],
    groups: {},
    issues: [],
  };
  const issues = file.issues;
  const add = (line: number, code: string, message: string, severity: Issue['severity'] = 'error', column?: number) =>
    issues.push({ file: opts.path, line, ...(column ? { column } : {}), severity, code, message });
  const cluster = opts.kind === 'cluster' ? file : opts.cluster;
  const clusterAliases = new Map<string, string>();
  const clusterIpsets = new Set<string>();
  if (cluster && cluster !== file) {
    for (const a of Object.values(cluster.aliases)) clusterAliases.set(a.name, a.cidr);
    for (const name of Object.keys(cluster.ipsets)) clusterIpsets.add(name);
  }
  const guestAliases = new Map<string, string>();
  const guestIpsets = new Set<string>();
  const scope: RuleScope | undefined =
    opts.kind === 'cluster'
      ? { clusterAliases: guestAliases, clusterIpsets: guestIpsets }
      : cluster === undefined
        ? undefined
        : opts.kind === 'guest'
          ? { clusterAliases, clusterIpsets, guestAliases, guestIpsets }
          : { clusterAliases, clusterIpsets };
  let section: Section = null;
  const lines = text.split(/\r?\n/);
  for (const [idx, raw] of lines.entries()) {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = matchHeader(line, opts.kind);
    if (header) {
      if ('error' in header) {
        add(lineNo, 'fw-bad-section', header.error);
        section = null;
        continue;
      }
      section = header;
      if (header.type === 'ipset') {
        file.ipsets[header.name] = { name: header.name, line: lineNo, comment: header.comment, entries: [] };
        guestIpsets.add(header.name);
      } else if (header.type === 'group') {
        file.groups[header.name] = { name: header.name, line: lineNo, comment: header.comment, rules: [] };
      }
      continue;
    }
    if (!section) {
      add(lineNo, 'fw-no-section', `skipped line "${line}": it is not inside a section${headerHint(line, opts.kind)}`);
      continue;
    }
    const s: NonNullable<Section> = section;
    if (s.type === 'options') {
      const o = parseOptionLine(line, opts.kind);
      if ('error' in o) {
        add(lineNo, 'fw-bad-option', o.error, 'error', o.column);
        continue;
      }
      if (file.options[o.key]) {
        add(
          lineNo,
          'fw-duplicate-option',
          `option ${o.key} is set again (line ${file.options[o.key]?.line} is overridden; nftables rejects the file)`,
          'warning',
        );
      }
      file.options[o.key] = { key: o.key, value: o.value, line: lineNo };
    } else if (s.type === 'aliases') {
      const a = parseAlias(line);
      if ('error' in a) {
        add(lineNo, 'fw-bad-alias', a.error);
        continue;
      }
      if (file.aliases[a.name])
        add(lineNo, 'fw-duplicate-alias', `alias ${a.name} is defined again (nftables rejects the file)`, 'warning');
      file.aliases[a.name] = { ...a, line: lineNo };
      guestAliases.set(a.name, a.cidr);
    } else if (s.type === 'ipset') {
      const set = file.ipsets[s.name] as FwIpset;
      const e = parseIpsetEntry(line, lineNo, set, scope, opts.kind);
      if ('error' in e) {
        add(lineNo, 'fw-bad-ipset-entry', `ipset ${s.name}: entry skipped: ${e.error}`);
        continue;
      }
      set.entries.push(e);
    } else {
      const inGroup = s.type === 'group';
      const r = parseRuleLine(line, { file: opts.path, line: lineNo, kind: opts.kind, inGroup, scope });
      issues.push(...r.issues);
      if (!r.rule) continue;
      if (inGroup) file.groups[s.name]?.rules.push(r.rule);
      else file.rules.push(r.rule);
    }
  }
  checkGroupRefs(file, cluster);
  return file;
}

type Header =
  | { type: 'options' | 'aliases' | 'rules' }
  | { type: 'ipset' | 'group'; name: string; comment: string | null };

function matchHeader(line: string, kind: FwFileKind): Header | { error: string } | null {
  const allowed = ALLOWED[kind];
  const simple = /^\[(options|aliases|rules)\]$/i.exec(line);
  if (simple) {
    const type = (simple[1] as string).toLowerCase() as 'options' | 'aliases' | 'rules';
    return allowed.has(type) ? { type } : null;
  }
  const named = /^\[(ipset|group)\s+(\S+)\]\s*(?:#\s*(.*?)\s*)?$/i.exec(line);
  if (!named) return null;
  const type = (named[1] as string).toLowerCase() as 'ipset' | 'group';
  if (!allowed.has(type)) return null;
  const name = (named[2] as string).toLowerCase();
  const max = type === 'ipset' ? 64 : 18;
  if (!NAME_RE.test(name))
    return { error: `invalid ${type} name "${named[2]}": the section and its lines are skipped` };
  if (name.length > max)
    return {
      error: `${type} name "${named[2]}" is longer than ${max} characters: the section and its lines are skipped`,
    };
  return { type, name, comment: named[3] || null };
}

function headerHint(line: string, kind: FwFileKind): string {
  if (!line.startsWith('[')) return '';
  if (/^\[(options|aliases|rules)\]\s*#/i.test(line))
    return ` (a [${line.slice(1, line.indexOf(']'))}] header cannot carry a comment)`;
  return ` (section header not allowed in a ${kind} firewall file)`;
}

function parseAlias(line: string): { name: string; cidr: string; comment: string | null } | { error: string } {
  const split = splitComment(line);
  const body = split.body.trim();
  const comment = split.comment || null;
  const m = /^(\S+)\s(\S+)$/.exec(body);
  if (!m) return { error: `skipped alias line "${line}": expected "name IP-or-CIDR"` };
  const name = m[1] as string;
  if (!NAME_RE.test(name)) return { error: `invalid alias name "${name}"` };
  const cidr = (m[2] as string).replace(/\/(32|128)$/, (_s, b) =>
    (b === '32' && !m[2]?.includes(':')) || b === '128' ? '' : `/${b}`,
  );
  const c = parseCidr(cidr, true);
  if (isCidrError(c)) return { error: `alias ${name}: ${c.error}` };
  return { name: name.toLowerCase(), cidr, comment };
}

function checkGroupRefs(file: FwFile, cluster: FwFile | null | undefined): void {
  if (cluster === undefined) return;
  for (const r of file.rules) {
    if (r.direction !== 'GROUP' || r.errors.length > 0 || !r.enabled) continue;
    if (cluster?.groups[r.action]) continue;
    const lower = cluster?.groups[r.action.toLowerCase()];
    const why = lower
      ? `groups are looked up by the name as written, but stored in lower case: "GROUP ${r.action}" gets an empty group and accepts nothing (write "GROUP ${r.action.toLowerCase()}")`
      : `no such security group "${r.action}" in cluster.fw: the rule jumps to an empty group and accepts nothing`;
    file.issues.push({ file: file.path, line: r.line, severity: 'warning', code: 'fw-group-unknown', message: why });
  }
}
