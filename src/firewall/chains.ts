import type { Action } from '../schema/common.js';
import { reason } from '../schema/reason.js';
import { matches } from './match.js';
import { type Decision, note, type Walk } from './packet.js';
import type { IndexedRules } from './rule-index.js';
import type { CRule, FirewallModel } from './types.js';

export type ChainKind = 'guest-in' | 'guest-out' | 'host-in' | 'host-out';

export function ruleDecision(
  r: CRule,
  action: Action,
  chain: string,
  extra: { group?: string; mark?: boolean } = {},
): Decision {
  return {
    action,
    decidedBy: { kind: 'rule', file: r.rule.file, line: r.rule.line, text: r.rule.text },
    reason: reason('rule', {
      file: r.rule.file,
      line: r.rule.line,
      text: r.rule.text,
      action,
      chain,
      group: extra.group,
      // accepted only because the guest OUT chain's accept mark was still on the packet
      mark: extra.mark,
      macro: r.rule.macro ?? undefined,
    }),
  };
}

function reached(w: Walk, r: CRule, chain: string, result: string): void {
  w.trace.push(`${chain}: ${r.rule.file}:${r.rule.line} "${r.rule.text}" -> ${result}`);
  if (r.simNote)
    note(
      w,
      `pve-firewall simulate would abort at ${r.rule.file}:${r.rule.line} (it cannot evaluate ${r.simNote}); decided as the kernel does`,
    );
}

// Walks user rules of one chain in order. Returns the decision of the first rule that ends the
// chain, or null when the rules fall through to what follows (built-ins, policy).
export function runRules(
  model: FirewallModel,
  w: Walk,
  list: IndexedRules,
  chain: string,
  kind: ChainKind,
  iface: string | null | undefined,
): Decision | null {
  const isHost = kind === 'host-in' || kind === 'host-out';
  const dir = kind.endsWith('-in') ? 'in' : 'out';
  const rules = list.rules;
  const [a, b] = list.candidates(w.p);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const ai = i < a.length ? (a[i] as number) : Number.MAX_SAFE_INTEGER;
    const bj = j < b.length ? (b[j] as number) : Number.MAX_SAFE_INTEGER;
    if (ai < bj) i++;
    else j++;
    const r = rules[Math.min(ai, bj)] as CRule;
    if (r.target.kind === 'verdict') {
      if (!matches(r, w, isHost ? iface : undefined)) continue;
      reached(w, r, chain, r.target.action);
      if (r.target.action === 'ACCEPT' && kind === 'guest-out') w.mark = true;
      return ruleDecision(r, r.target.action, chain);
    }
    const name = r.target.name;
    const jumps =
      !isHost ||
      r.iface === null ||
      (iface !== null && iface !== undefined && (r.ifaceWild ? iface.startsWith(r.iface) : iface === r.iface));
    if (jumps) {
      const group = model.groups.get(name);
      if (!group)
        w.trace.push(
          `${chain}: ${r.rule.file}:${r.rule.line} "${r.rule.text}" -> empty group (no group named exactly "${name}"; stored names are lower case)`,
        );
      w.mark = false;
      for (const gr of group ? group[dir] : []) {
        if (gr.target.kind !== 'verdict' || !matches(gr, w, undefined)) continue;
        reached(w, gr, `GROUP-${name}-${dir.toUpperCase()}`, gr.target.action);
        if (gr.target.action !== 'ACCEPT') return ruleDecision(gr, gr.target.action, chain, { group: name });
        w.mark = true;
        return ruleDecision(gr, 'ACCEPT', chain, { group: name });
      }
    } else if (w.mark) {
      // The mark test after a GROUP jump is unconditional: a mark left by the guest OUT chain
      // on this same packet makes a non-matching "-i" group rule accept.
      w.trace.push(
        `${chain}: ${r.rule.file}:${r.rule.line} "${r.rule.text}" -> ACCEPT (the interface does not match, but the accept mark set by the guest OUT chain is still on the packet)`,
      );
      return ruleDecision(r, 'ACCEPT', chain, { mark: true });
    }
  }
  return null;
}

// A DROP or REJECT policy with a log level starts with a rate-limited NFLOG rule (-m limit),
// where pve-firewall simulate aborts.
export function policyLogNote(model: FirewallModel, w: Walk, action: Action, level: string, chain: string): void {
  if (action === 'ACCEPT' || level === '' || level === 'nolog' || !model.logRateLimited) return;
  note(
    w,
    `pve-firewall simulate would abort at the policy log rule of ${chain} (-m limit); decided as the kernel does`,
  );
}

export function policyDecision(
  w: Walk,
  action: Action,
  key: string,
  file: string | null,
  line: number | null,
  chain: string,
  guestOut: boolean,
): Decision {
  const text = line !== null ? `${key}: ${action}` : `${key} ${action} (default)`;
  const decidedBy = { kind: 'policy' as const, file, line, text };
  const why = (act: Action, noise: string | null = null) =>
    reason('policy', { file, line, key, policy: action, action: act, chain, default: line === null, noise });
  if (action === 'ACCEPT') {
    if (guestOut) w.mark = true;
    w.trace.push(`${chain}: ${text} -> ACCEPT`);
    return { action, decidedBy, reason: why(action) };
  }
  if (action === 'DROP') {
    w.trace.push(`${chain}: ${text} -> DROP`);
    return { action, decidedBy, reason: why(action) };
  }
  const r = rejectChain(w);
  w.trace.push(`${chain}: ${text} -> PVEFW-Reject -> ${r.action}${r.why ? ` (${r.why})` : ''}`);
  return {
    action: r.action,
    decidedBy: r.why ? { ...decidedBy, text: `${text} (${r.why})` } : decidedBy,
    reason: why(r.action, r.why),
  };
}

// PVEFW-Reject as the kernel runs it (the simulator aborts at its multiport rules for tcp/udp).
function rejectChain(w: Walk): { action: Action; why: string | null } {
  const p = w.p;
  if (['BROADCAST', 'MULTICAST', 'ANYCAST'].includes(p.dsttype) || (p.v === 4 && p.dst4 >>> 28 === 14)) {
    return { action: 'DROP', why: 'broadcast/multicast is dropped silently' };
  }
  if (p.proto === 1 && p.icmp && ((p.icmp.type === 3 && p.icmp.code === 4) || p.icmp.type === 11)) {
    return { action: 'ACCEPT', why: 'critical ICMP is accepted' };
  }
  if (p.proto === 6 || p.proto === 17) {
    note(w, 'pve-firewall simulate would abort in PVEFW-Reject (multiport rules); decided as the kernel does');
  }
  // The SMB noise rules come first and go to PVEFW-reject, so they win over the DROPs below.
  const d = p.dport ?? -1;
  const smb =
    (p.proto === 17 && (d === 135 || d === 445 || (d >= 137 && d <= 139) || (p.sport === 137 && d >= 1024))) ||
    (p.proto === 6 && (d === 135 || d === 139 || d === 445));
  if (smb) return { action: 'REJECT', why: null };
  if (p.proto === 17 && p.dport === 1900) return { action: 'DROP', why: 'SSDP noise is dropped' };
  if (p.proto === 17 && p.sport === 53) return { action: 'DROP', why: 'DNS replies are dropped' };
  return { action: 'REJECT', why: null };
}
