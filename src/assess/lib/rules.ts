import { parseRuleLine } from '../../parse/fw-rule.js';
import { normaliseRule } from '../../parse/fw-rule-text.js';
import type { FwFileKind, FwRule } from '../../schema/pve.js';

// Rules compare by meaning, not spelling: the canonical text without comment and enable marker.

export const ruleKey = (rule: FwRule): string => normaliseRule({ ...rule, enabled: true });

// An intended rule string read the way Proxmox would read it in `file`; null if it cannot parse.
export function parseIntendedRule(text: string, kind: FwFileKind, file: string): FwRule | null {
  return parseRuleLine(text, { file, line: 1, kind }).rule;
}

export interface RuleComparison {
  missing: { text: string; rule: FwRule; previous: string | undefined }[]; // previous: live text of the intended rule before it
  disabled: { text: string; live: FwRule }[];
  unexpected: FwRule[];
}

// Intended rule strings vs the live rules of one file.
// `key` says when two rules mean the same; in a guest's file the guest's own address is implied.
export function compareRules(
  intended: readonly string[],
  live: readonly FwRule[],
  kind: FwFileKind,
  file: string,
  key: (rule: FwRule) => string = ruleKey,
): RuleComparison {
  const out: RuleComparison = { missing: [], disabled: [], unexpected: [] };
  const wantedKeys = new Set<string>();
  // first enabled / first disabled live rule per key: one pass, so thousands of rules stay linear
  const liveKeys = live.map((r) => key(r));
  const firstEnabled = new Map<string, FwRule>();
  const firstDisabled = new Map<string, FwRule>();
  for (const [i, r] of live.entries()) {
    const index = r.enabled ? firstEnabled : firstDisabled;
    if (!index.has(liveKeys[i] as string)) index.set(liveKeys[i] as string, r);
  }
  let previous: string | undefined;
  for (const text of intended) {
    const rule = parseIntendedRule(text, kind, file);
    if (!rule) continue;
    const wanted = key(rule);
    wantedKeys.add(wanted);
    const enabled = firstEnabled.get(wanted);
    const disabled = firstDisabled.get(wanted);
    if (enabled) previous = enabled.text;
    else if (disabled && rule.enabled) out.disabled.push({ text, live: disabled });
    else if (rule.enabled) {
      out.missing.push({ text, rule, previous });
      previous = text;
    }
  }
  out.unexpected = live.filter((r, i) => r.enabled && !wantedKeys.has(liveKeys[i] as string));
  return out;
}
