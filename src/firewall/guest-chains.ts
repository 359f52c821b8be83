import type { Action } from '../schema/common.js';
import { type Reason, reason } from '../schema/reason.js';
import { policyDecision, policyLogNote, runRules } from './chains.js';
import { blacklistAndSmurfs } from './host-chains.js';
import { type Decision, note, type Walk } from './packet.js';
import type { FirewallModel, GuestModel, NicModel } from './types.js';

const ND_TYPES = new Set([133, 134, 135, 136]);
const builtin = (text: string, file: string | null = null, line: number | null = null): Decision['decidedBy'] => ({
  kind: 'default',
  file,
  line,
  text,
});

// The first of the three switches (cluster, guest, NIC) that is off, or the compile error that
// stopped this guest's chains: why nothing filters this NIC.
function noChainReason(g: GuestModel, nic: NicModel, model: FirewallModel): Reason {
  const vmid = g.vmid;
  const n = `net${nic.index}`;
  if (!model.clusterEnabled)
    return model.cfg.cluster
      ? reason('cluster-disabled', { file: 'firewall/cluster.fw', line: model.clusterEnableLine, vmid, nic: n })
      : reason('cluster-fw-missing', { file: 'firewall/cluster.fw', vmid, nic: n });
  if (!g.hasFw) return reason('guest-no-fwfile', { vmid, file: g.fwPath, nic: n });
  if (!g.enable) return reason('guest-disabled', { vmid, file: g.fwPath, line: g.optLine('enable'), nic: n });
  if (!nic.firewall) return reason('nic-unfiltered', { vmid, nic: n, file: g.config.path, dev: nic.dev });
  return reason('guest-chains-stopped', { vmid, nic: n, file: g.fwPath, error: nic.noChainReason ?? '' });
}

export function noChainDecision(g: GuestModel, nic: NicModel, model: FirewallModel): Decision {
  const text = nic.noChainReason ?? '';
  const [file, line] = !model.clusterEnabled
    ? ['firewall/cluster.fw', model.clusterEnableLine]
    : !g.hasFw
      ? [null, null]
      : !g.enable
        ? [g.fwPath, g.optLine('enable')]
        : !nic.firewall
          ? [g.config.path, null]
          : [g.fwPath, null];
  return {
    action: 'ACCEPT',
    decidedBy: builtin(`no ${nic.dev} chain, so nothing filters this guest: ${text}`, file, line),
    reason: noChainReason(g, nic, model),
    weak: true,
  };
}

// The DHCP rule carries --sport, which pve-firewall simulate cannot evaluate: any udp packet
// that reaches it (everything else matched) makes the real simulator abort.
function dhcpNote(w: Walk, g: GuestModel, chain: string): void {
  if (w.p.v === 4 && w.p.proto === 17 && g.opt('dhcp') !== '0') {
    note(w, `pve-firewall simulate would abort at the DHCP rule of ${chain} (--sport); decided as the kernel does`);
  }
}

// FORWARD at the guest's firewall bridge towards the guest: PVEFW-FWBR-IN, then <dev>-IN.
export function intoGuest(model: FirewallModel, w: Walk, g: GuestModel, nic: NicModel): Decision {
  if (!nic.firewall) {
    w.trace.push(`${nic.dev}: firewall=0, no fwbr${g.vmid}i${nic.index} bridge: no filtering on the way in`);
    note(
      w,
      'pve-firewall simulate ignores firewall= and passes every guest zone through PVEFW-FWBR-IN (blacklist, smurfs); decided as the kernel does',
    );
    return noChainDecision(g, nic, model);
  }
  const early = blacklistAndSmurfs(model, w, 'PVEFW-FWBR-IN');
  if (early) return early;
  if (!nic.chains) {
    w.trace.push(`PVEFW-FWBR-IN: no jump to ${nic.dev}-IN (${nic.noChainReason}) -> ACCEPT`);
    return noChainDecision(g, nic, model);
  }
  const chain = `${nic.dev}-IN`;
  const p = w.p;
  if (
    p.proto === 17 &&
    g.opt('dhcp') !== '0' &&
    ((p.v === 4 && p.sport === 67 && p.dport === 68) || (p.v === 6 && p.sport === 547 && p.dport === 546))
  ) {
    w.trace.push(`${chain}: DHCP reply -> ACCEPT`);
    return {
      action: 'ACCEPT',
      decidedBy: builtin(
        'built-in: DHCP replies are accepted (guest option dhcp is not 0)',
        g.fwPath,
        g.optLine('dhcp'),
      ),
      reason: reason('builtin-accept', { what: 'dhcp', chain, vmid: g.vmid, file: g.fwPath }),
    };
  }
  dhcpNote(w, g, chain);
  if (p.v === 6 && p.proto === 58 && g.opt('ndp') !== '0' && p.icmp && ND_TYPES.has(p.icmp.type)) {
    w.trace.push(`${chain}: NDP -> ACCEPT`);
    return {
      action: 'ACCEPT',
      decidedBy: builtin('built-in: neighbor discovery is accepted (guest option ndp)', g.fwPath, g.optLine('ndp')),
      reason: reason('builtin-accept', { what: 'ndp', chain, vmid: g.vmid, file: g.fwPath }),
    };
  }
  const d = runRules(model, w, nic.chains.in, chain, 'guest-in', undefined);
  if (d) return d;
  policyLogNote(model, w, g.opt('policy_in') as Action, g.opt('log_level_in'), chain);
  return policyDecision(w, g.opt('policy_in') as Action, 'policy_in', g.fwPath, g.optLine('policy_in'), chain, false);
}

// FORWARD at the guest's firewall bridge away from the guest: PVEFW-FWBR-OUT, then <dev>-OUT.
export function fromGuest(model: FirewallModel, w: Walk, g: GuestModel, nic: NicModel): Decision {
  if (!nic.firewall) {
    w.trace.push(`${nic.dev}: firewall=0, no fwbr${g.vmid}i${nic.index} bridge: no filtering on the way out`);
    return noChainDecision(g, nic, model);
  }
  if (!nic.chains) {
    w.trace.push(`PVEFW-FWBR-OUT: no jump to ${nic.dev}-OUT (${nic.noChainReason}) -> ACCEPT`);
    return noChainDecision(g, nic, model);
  }
  const chain = `${nic.dev}-OUT`;
  const p = w.p;
  if (
    p.proto === 17 &&
    g.opt('dhcp') !== '0' &&
    ((p.v === 4 && p.sport === 68 && p.dport === 67) || (p.v === 6 && p.sport === 546 && p.dport === 547))
  ) {
    w.mark = true;
    w.trace.push(`${chain}: DHCP request -> ACCEPT (mark)`);
    return {
      action: 'ACCEPT',
      decidedBy: builtin(
        'built-in: DHCP requests are accepted (guest option dhcp is not 0)',
        g.fwPath,
        g.optLine('dhcp'),
      ),
      reason: reason('builtin-accept', { what: 'dhcp', chain, vmid: g.vmid, file: g.fwPath }),
    };
  }
  dhcpNote(w, g, chain);
  if (p.v === 6 && p.proto === 58 && p.icmp?.type === 134 && g.opt('radv') !== '1') {
    w.trace.push(`${chain}: router advertisement without radv: 1 -> DROP`);
    return {
      action: 'DROP',
      decidedBy: builtin(
        'built-in: router advertisements from guests are dropped (guest option radv is not 1)',
        g.fwPath,
        g.optLine('radv'),
      ),
      reason: reason('builtin-drop', { what: 'radv', chain, vmid: g.vmid, file: g.fwPath, line: g.optLine('radv') }),
    };
  }
  if (nic.ipfilter && !(p.v === 4 ? nic.ipfilter.has4(p.src4) : nic.ipfilter.has6(p.src6))) {
    const setName = `ipfilter-net${nic.index}`;
    w.trace.push(`${chain}: source ${p.source} not in ${setName} -> DROP`);
    const line = g.optLine('ipfilter');
    return {
      action: 'DROP',
      decidedBy: builtin(
        `ipfilter: source ${p.source} is not in ${setName} (its entries${g.config.type === 'lxc' ? ' plus the CT ip=' : ''})`,
        g.fwPath,
        line,
      ),
      reason: reason('ipfilter', {
        vmid: g.vmid,
        nic: `net${nic.index}`,
        ipset: setName,
        address: p.source,
        file: g.fwPath,
        line,
        chain,
      }),
    };
  }
  if (p.v === 6 && p.proto === 58 && g.opt('ndp') !== '0' && p.icmp && ND_TYPES.has(p.icmp.type)) {
    w.mark = true;
    w.trace.push(`${chain}: NDP -> ACCEPT (mark)`);
    return {
      action: 'ACCEPT',
      decidedBy: builtin('built-in: neighbor discovery is accepted (guest option ndp)', g.fwPath, g.optLine('ndp')),
      reason: reason('builtin-accept', { what: 'ndp', chain, vmid: g.vmid, file: g.fwPath }),
    };
  }
  w.mark = false;
  const d = runRules(model, w, nic.chains.out, chain, 'guest-out', undefined);
  if (d) return d;
  policyLogNote(model, w, g.opt('policy_out') as Action, g.opt('log_level_out'), chain);
  return policyDecision(w, g.opt('policy_out') as Action, 'policy_out', g.fwPath, g.optLine('policy_out'), chain, true);
}
