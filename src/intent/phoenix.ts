import type { IntentFlow, IntentGuest } from '../schema/intent.js';
import {
  PHOENIX_FILES,
  type PhoenixHypervisor,
  type PhoenixLxc,
  type PhoenixRule,
  type PhoenixVm,
} from './phoenix-schema.js';
import type { GeneratedRule, LoadedIntent, MeantRule, PhoenixOrigin } from './schema.js';

// Pure: the three parsed Phoenix files -> both readings of them. The generator writes cluster
// OPTIONS from the two policies and then every rule (global, each CT's, each VM's) into
// cluster.fw [RULES]; the admin meant each guest's rules to govern traffic of that guest.

export interface PhoenixInput {
  dir: string;
  hypervisor: PhoenixHypervisor;
  lxc: PhoenixLxc;
  vm: PhoenixVm;
}

interface Owned {
  rule: PhoenixRule;
  origin: PhoenixOrigin;
  scope: 'global' | 'lxc' | 'vm';
  vmid: number | null;
}

// One generated line, exactly as the Phoenix generator formats it.
export function phoenixRuleLine(rule: PhoenixRule): string {
  const parts = [rule.type.toUpperCase(), rule.action];
  if (rule.proto) parts.push('-p', rule.proto);
  if (rule.source) parts.push('-source', rule.source);
  if (rule.dest) parts.push('-dest', rule.dest);
  if (rule.port !== undefined && rule.port !== '') parts.push('-dport', String(rule.port));
  const comment = rule.comment?.trim();
  return comment ? `${parts.join(' ')} # ${comment}` : parts.join(' ');
}

const hostOf = (cidr: string | undefined): string | null => {
  if (!cidr) return null;
  // network_config.ip is the guest's own address in CIDR form: the prefix is its subnet.
  const ip = cidr.split('/')[0];
  return ip && /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip : null;
};

// A single host address ("10.0.0.12" or "10.0.0.12/32"); CIDRs, ranges, aliases and ipsets are not.
const concreteIp = (value: string | undefined): string | null =>
  value && /^\d+\.\d+\.\d+\.\d+(\/32)?$/.test(value) ? value.replace(/\/32$/, '') : null;

function ports(port: PhoenixRule['port']): number[] {
  if (port === undefined || port === '') return [];
  return String(port)
    .split(',')
    .map((p) => Number(p.split(':')[0]))
    .filter((p) => Number.isInteger(p) && p > 0);
}

function ownedRules(input: PhoenixInput): Owned[] {
  const out: Owned[] = [];
  const add = (
    rules: readonly PhoenixRule[],
    scope: Owned['scope'],
    vmid: number | null,
    file: string,
    path: string,
  ) => {
    for (const [i, rule] of rules.entries()) out.push({ rule, scope, vmid, origin: { file, path: `${path}.${i}` } });
  };
  add(
    input.hypervisor.shared_volumes.firewall.global_firewall_rules,
    'global',
    null,
    PHOENIX_FILES.hypervisor,
    'shared_volumes.firewall.global_firewall_rules',
  );
  for (const [id, ct] of Object.entries(input.lxc.lxc_configs)) {
    add(ct.firewall?.rules ?? [], 'lxc', Number(id), PHOENIX_FILES.lxc, `lxc_configs.${id}.firewall.rules`);
  }
  for (const [v, vm] of input.vm.vms.entries())
    add(vm.firewall?.rules ?? [], 'vm', vm.vmid, PHOENIX_FILES.vm, `vms.${v}.firewall.rules`);
  return out;
}

export function importPhoenix(input: PhoenixInput): LoadedIntent {
  const fw = input.hypervisor.shared_volumes.firewall;
  const zoneByIp = new Map<string, string>();
  const guestIps: Record<string, string> = {};
  const guests: IntentGuest[] = [];
  for (const [id, ct] of Object.entries(input.lxc.lxc_configs)) {
    const ip = hostOf(ct.network_config.ip);
    if (ip) {
      zoneByIp.set(ip, `ct${id}`);
      guestIps[id] = ip;
    }
    guests.push(guestIntent(Number(id), ct.name, 'lxc', ip, ct.firewall));
  }
  for (const vm of input.vm.vms) {
    const ip = hostOf(vm.network_config?.ip);
    if (ip) {
      zoneByIp.set(ip, `vm${vm.vmid}`);
      guestIps[String(vm.vmid)] = ip;
    }
    guests.push(guestIntent(vm.vmid, vm.name, 'qemu', ip, vm.firewall));
  }

  const owned = ownedRules(input);
  const header = [
    '[OPTIONS]',
    `enable: ${fw.enabled ? 1 : 0}`,
    `policy_in: ${fw.default_input_policy}`,
    `policy_out: ${fw.default_output_policy}`,
    '',
    '[RULES]',
  ];
  const generatedRules: GeneratedRule[] = owned.map((o, i) => ({
    line: header.length + i + 1,
    text: phoenixRuleLine(o.rule),
    scope: o.scope,
    vmid: o.vmid,
    origin: o.origin,
  }));
  const meant: MeantRule[] = owned.map((o) => {
    const text = phoenixRuleLine(o.rule);
    return {
      origin: o.origin,
      file: o.vmid === null ? 'firewall/cluster.fw' : `firewall/${o.vmid}.fw`,
      vmid: o.vmid,
      text,
      generatedText: text,
      flow: null,
    };
  });
  const flows = expectedFlows(owned, zoneByIp);
  for (const [i, m] of meant.entries()) m.flow = flows.byRule.get(i) ?? null;

  for (const g of guests) {
    const rules = meant.filter((m) => m.vmid === g.vmid).map((m) => m.text);
    if (g.firewall && rules.length > 0) g.firewall.rules = rules;
  }

  return {
    source: 'phoenix',
    file: `${input.dir.replace(/\/$/, '')}/${PHOENIX_FILES.hypervisor}`,
    intent: {
      cluster: {
        enable: fw.enabled,
        policy_in: fw.default_input_policy,
        policy_out: fw.default_output_policy,
        // What the generator writes is what must be in cluster.fw for "applied as generated".
        rules: generatedRules.map((r) => r.text),
      },
      guests,
      flows: flows.list,
    },
    phoenix: {
      dir: input.dir,
      files: { hypervisor: PHOENIX_FILES.hypervisor, lxc: PHOENIX_FILES.lxc, vm: PHOENIX_FILES.vm },
      generatedClusterFw: `${[...header, ...generatedRules.map((r) => r.text)].join('\n')}\n`,
      generatedRules,
      meant,
      guestIps,
    },
  };
}

function guestIntent(
  vmid: number,
  name: string,
  type: 'lxc' | 'qemu',
  ip: string | null,
  firewall: { enabled: boolean } | undefined,
): IntentGuest {
  const g: IntentGuest = { vmid, name, type };
  if (ip) g.ip = ip;
  if (firewall) g.firewall = { enable: firewall.enabled, nics: { net0: firewall.enabled } };
  return g;
}

// A rule with a concrete source and dest is an expected flow; rules stating the same flow merge.
function expectedFlows(
  owned: Owned[],
  zoneByIp: Map<string, string>,
): { list: IntentFlow[]; byRule: Map<number, IntentFlow> } {
  const list: IntentFlow[] = [];
  const byKey = new Map<string, IntentFlow>();
  const byRule = new Map<number, IntentFlow>();
  owned.forEach((o, i) => {
    const src = concreteIp(o.rule.source);
    const dst = concreteIp(o.rule.dest);
    const proto = o.rule.proto ?? 'tcp';
    if (!src || !dst || (proto !== 'tcp' && proto !== 'udp' && proto !== 'icmp')) return;
    const from = zoneByIp.get(src) ?? src;
    const to = zoneByIp.get(dst) ?? dst;
    const dports: (number | undefined)[] = proto === 'icmp' ? [undefined] : ports(o.rule.port);
    for (const dport of dports) {
      const key = `${from}>${to}/${proto}/${dport ?? ''}/${o.rule.action}`;
      let flow = byKey.get(key);
      if (!flow) {
        flow = {
          name: o.rule.comment?.trim() || `${from}-to-${to}${dport ? `-${dport}` : ''}`,
          from,
          to,
          proto,
          expect: o.rule.action,
          origin: `${o.origin.file} ${o.origin.path}`,
        };
        if (dport !== undefined) flow.dport = dport;
        byKey.set(key, flow);
        list.push(flow);
      }
      if (!byRule.has(i)) byRule.set(i, flow);
    }
  });
  return { list, byRule };
}
