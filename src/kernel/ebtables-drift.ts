import type { PveConfig } from '../schema/pve.js';
import type { DriftItem } from './drift.js';
import { canonMac, type ERule, type ETable, parseEbtablesSave } from './ebtables.js';
import { guestsInOrder } from './expected.js';

// The live ebtables filter table against what pve-firewall's compile_ebtables_filter writes for the
// configuration (PVEFW-FORWARD, PVEFW-FWBR-OUT, <dev>-OUT with its -ARP and -PROTO chains, the
// FORWARD jump). pve-firewall replaces a chain only when its digest changes, so a rule inserted by
// hand into one of its chains stays, like in iptables. Drift items name chains "ebtables <chain>",
// as flows[].live does.

const opt = (g: { options: Record<string, { value: string } | undefined> } | undefined, k: string) =>
  g?.options[k]?.value;
const PVE_CHAIN = /^(?:PVEFW-\S+|(?:tap|veth)\d+i\d+-OUT(?:-ARP|-PROTO)?)$/;

interface Expected {
  rules: string[];
  unordered?: boolean;
  notComparable?: string;
}

// ebtables prints a MAC without leading zeros in each byte; compared in canonical form anyway.
export function expectedEbtables(cfg: PveConfig): Map<string, Expected> {
  const out = new Map<string, Expected>();
  if (opt(cfg.cluster ?? undefined, 'enable') !== '1' || opt(cfg.cluster ?? undefined, 'ebtables') === '0') return out;
  const fwbrOut: string[] = [];
  for (const g of guestsInOrder(cfg)) {
    const fw = cfg.guestFw[String(g.vmid)];
    if (!fw || !(Number(opt(fw, 'enable') ?? '0') > 0)) continue;
    for (const net of [...g.nets].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      if (!net.firewall) continue;
      const dev = `${g.type === 'lxc' ? 'veth' : 'tap'}${g.vmid}i${net.index}`;
      const chain = `${dev}-OUT`;
      const arp: string[] = [];
      let bad: string | undefined;
      for (const e of fw.ipsets[`ipfilter-${net.key}`]?.entries ?? []) {
        if (/^[\d.]+(\/\d+)?$/.test(e.value)) arp.push(e.value.replace(/\/32$/, ''));
        else if (!e.value.includes(':')) bad = `ipfilter-${net.key} entry ${e.value} is not an address`;
      }
      if (g.type === 'lxc' && opt(fw, 'ipfilter') === '1' && net.ip && net.ip !== 'dhcp' && net.ip !== 'manual')
        arp.push(net.ip.replace(/\/\d+$/, ''));
      const rules: string[] = [];
      const mac = net.hwaddr ? canonMac(net.hwaddr) : null;
      if (mac && opt(fw, 'macfilter') !== '0') rules.push(`-s ! ${mac} -j DROP`);
      if (arp.length > 0) {
        rules.push(`-p ARP -j ${chain}-ARP`);
        out.set(`${chain}-ARP`, { rules: [...arp.map((ip) => `-p ARP --arp-ip-src ${ip} -j RETURN`), '-j DROP'] });
      }
      const l2 = opt(fw, 'layer2_protocols');
      if (l2 !== undefined) {
        rules.push(`-j ${chain}-PROTO`);
        out.set(`${chain}-PROTO`, { rules: [...l2.split(',').map((p) => `-p ${p} -j RETURN`), '-j DROP'] });
      }
      rules.push('-j ACCEPT');
      out.set(chain, { rules, ...(bad ? { notComparable: bad } : {}) });
      fwbrOut.push(`-i ${dev} -j ${chain}`);
    }
  }
  out.set('PVEFW-FORWARD', { rules: ['-p IPv4 -j ACCEPT', '-p IPv6 -j ACCEPT', '-o fwln+ -j PVEFW-FWBR-OUT'] });
  out.set('PVEFW-FWBR-OUT', { rules: fwbrOut, unordered: true });
  out.set('FORWARD', { rules: ['-j PVEFW-FORWARD'], unordered: true });
  return out;
}

// A rule as data, so "-s ! bc:24:11:5e:7a:1" and "-s ! bc:24:11:5e:7a:01" compare equal.
function key(r: Pick<ERule, 'matches' | 'target'>): string {
  return JSON.stringify([r.matches, r.target]);
}
function keyOf(chain: string, spec: string): string {
  const t = parseEbtablesSave(`*filter\n:${chain} ACCEPT\n-A ${chain} ${spec}\n`, '').table;
  const r = t?.chains.get(chain)?.rules[0];
  return r ? key(r) : spec;
}

// No PVEFW chain in ebtables at all: pve-firewall does not manage layer 2 on this node (ebtables
// not loadable, or another tool owns the table), so there is nothing of its own to compare.
export function managesL2(live: ETable): boolean {
  return [...live.chains.keys()].some((n) => PVE_CHAIN.test(n));
}

export function ebtablesDrift(live: ETable, cfg: PveConfig): DriftItem[] {
  const items: DriftItem[] = [];
  if (!managesL2(live)) return items;
  const exp = expectedEbtables(cfg);
  const item = (
    chain: string,
    kind: DriftItem['kind'],
    code: DriftItem['code'],
    text: string,
    rule: number | null,
    spec: string | null,
    expected: string | null,
  ): DriftItem => ({
    chain: `ebtables ${chain}`,
    kind,
    code,
    text,
    rule,
    spec,
    expected,
    ebtables: { chain, spec },
  });
  for (const [name, e] of exp) {
    const c = live.chains.get(name);
    if (!c) {
      if (e.rules.length > 0 && name !== 'FORWARD')
        items.push(item(name, 'missing', 'chain-missing', `:${name}`, null, null, null));
      continue;
    }
    if (e.notComparable) continue;
    const want = new Map<string, number>();
    for (const s of e.rules) want.set(keyOf(name, s), (want.get(keyOf(name, s)) ?? 0) + 1);
    const extra: ERule[] = [];
    for (const r of c.rules) {
      const k = key(r);
      const n = want.get(k) ?? 0;
      if (n > 0) want.set(k, n - 1);
      else extra.push(r);
    }
    const missing = e.rules.filter((s) => {
      const k = keyOf(name, s);
      const n = want.get(k) ?? 0;
      if (n > 0) want.set(k, n - 1);
      return n > 0;
    });
    // every expected rule is there: the rest was added by hand; else an older configuration's rule
    // stands where the new one belongs
    for (const [i, r] of extra.entries()) {
      const m = missing[i];
      if (m !== undefined && !e.unordered)
        items.push(item(name, 'changed', 'live-rule-changed', r.text, r.pos, r.spec, m));
      else
        items.push(item(name, 'extra', missing.length > 0 ? 'live-drift' : 'hand-added', r.text, r.pos, r.spec, null));
    }
    for (const m of missing.slice(e.unordered ? 0 : extra.length))
      items.push(item(name, 'missing', 'live-rule-missing', `-A ${name} ${m}`, null, null, m));
  }
  for (const c of live.chains.values())
    if (PVE_CHAIN.test(c.name) && !exp.has(c.name))
      items.push(item(c.name, 'extra', 'stale-chain', `:${c.name}`, null, null, null));
  return items;
}
