import type { Reason, ReasonParam } from '../schema/reason.js';

// Small helpers every phrase uses: reading params and naming places, guests and sides.

export interface PhraseContext {
  // "VM 1001" / "CT 102": how a vmid is named (the report knows each guest's type).
  guest?: (vmid: number) => string;
}

export type Params = Omit<Reason, 'code'>;
export type Phrase = (p: Params, ctx: PhraseContext) => string;

export const str = (v: ReasonParam | undefined, fallback = '?'): string =>
  v === null || v === undefined ? fallback : Array.isArray(v) ? v.join(', ') : String(v);

export const num = (v: ReasonParam | undefined): number | null => (typeof v === 'number' ? v : null);

// "firewall/1001.fw line 4" or "firewall/1001.fw" or ''.
export function at(p: Params): string {
  const file = typeof p.file === 'string' ? p.file : null;
  const line = num(p.line);
  if (!file) return line ? `line ${line}` : '';
  return line ? `${file} line ${line}` : file;
}

// "firewall/1001.fw line 4: IN ACCEPT ..." for a rule.
export function ruleAt(p: Params): string {
  const where = at(p);
  return typeof p.text === 'string' ? `${where}${where ? ': ' : ''}${p.text}` : where;
}

export function guestName(p: Params, ctx: PhraseContext): string {
  const vmid = num(p.vmid);
  if (vmid === null) return 'the guest';
  return ctx.guest ? ctx.guest(vmid) : `guest ${vmid}`;
}

// "on the destination guest's side", "on the node", ''.
export function sideWords(p: Params): string {
  switch (p.side) {
    case 'source':
      return ' on the source side (the sending guest leaving its firewall bridge)';
    case 'destination':
      return ' on the destination side (the receiving guest)';
    case 'node':
      return " in the node's own chains";
    default:
      return '';
  }
}

export const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

export const port = (p: Params): string => {
  const n = p.port ?? p.dport;
  return n === undefined || n === null ? '' : `port ${str(n)}`;
};
