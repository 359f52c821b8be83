import type { Facts } from '../schema/facts.js';
import type { FwFile, FwRule, GuestConfig } from '../schema/pve.js';

// `pveaudit init`: what a node holds now, written as a starting audit.yml and a native intent file
// (the baseline). Pure: facts in, file texts out; the comments tell the admin what to review.

export interface BaselineFlow {
  name: string;
  from: string;
  to: string;
  toIp: string;
  proto: 'tcp' | 'udp' | 'icmp';
  dport: number | undefined;
  expect: 'ACCEPT' | 'DROP' | 'REJECT';
  origin: string; // file:line of the rule it came from
}

export interface Baseline {
  audit: string;
  intent: string;
  guests: { vmid: number; zone: string; name: string | null; ips: string[] }[];
  flows: BaselineFlow[];
}

const PROBE_PORTS_HTTPS = new Set([443, 8443, 8006, 9443]);
const q = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML scalar, whatever it holds

export function buildBaseline(
  facts: Facts,
  opts: { host: string; inventory: string; at: string; intentFile: string },
): Baseline {
  const guests = Object.values(facts.pve.guests)
    .sort((a, b) => a.vmid - b.vmid)
    .map((g) => ({ vmid: g.vmid, zone: zoneOf(g), name: g.name, ips: ipsOf(g), config: g }));
  const owner = new Map<string, string>();
  for (const g of guests) for (const ip of g.ips) owner.set(ip, g.zone);
  const flows = inferFlows(facts, guests, owner);
  return {
    audit: auditText(facts, guests, flows, opts),
    intent: intentText(facts, guests, flows, opts),
    guests: guests.map(({ config: _c, ...g }) => g),
    flows,
  };
}

const zoneOf = (g: GuestConfig) => `${g.type === 'lxc' ? 'ct' : 'vm'}${g.vmid}`;

function ipsOf(g: GuestConfig): string[] {
  return g.nets.map((n) => n.ip?.split('/')[0] ?? '').filter((ip) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip));
}

// One flow per (rule, port) where the rule names two guests: in cluster.fw by -source and -dest, in a
// guest's own file by the other side (the guest itself is implied).
function inferFlows(
  facts: Facts,
  guests: { vmid: number; zone: string }[],
  owner: Map<string, string>,
): BaselineFlow[] {
  const aliases = facts.pve.cluster?.aliases ?? {};
  const guestOf = (addr: string | null): string | undefined => {
    if (!addr) return undefined;
    const alias = Object.hasOwn(aliases, addr.toLowerCase()) ? aliases[addr.toLowerCase()]?.cidr : undefined;
    const ip = (alias ?? addr).replace(/\/32$/, '');
    return owner.get(ip);
  };
  const ipOfZone = new Map<string, string>();
  for (const [ip, zone] of owner) if (!ipOfZone.has(zone)) ipOfZone.set(zone, ip);
  const out = new Map<string, BaselineFlow>();
  const add = (rule: FwRule, from: string | undefined, to: string | undefined) => {
    if (!from || !to || from === to || !rule.enabled || rule.errors.length > 0 || rule.macro) return;
    if (rule.action !== 'ACCEPT' && rule.action !== 'DROP' && rule.action !== 'REJECT') return;
    const proto = rule.proto === 'tcp' || rule.proto === 'udp' || rule.proto === 'icmp' ? rule.proto : null;
    if (!proto) return;
    const ports = proto === 'icmp' ? [undefined] : portsOf(rule.dport);
    for (const dport of ports) {
      const name = `${from}-to-${to}-${proto}${dport === undefined ? '' : `-${dport}`}`;
      if (!out.has(name)) {
        out.set(name, {
          name,
          from,
          to,
          toIp: ipOfZone.get(to) ?? '',
          proto,
          dport,
          expect: rule.action,
          origin: `${rule.file}:${rule.line}`,
        });
      }
    }
  };
  for (const rule of facts.pve.cluster?.rules ?? []) {
    if (rule.direction === 'IN' || rule.direction === 'OUT' || rule.direction === 'FORWARD')
      add(rule, guestOf(rule.source), guestOf(rule.dest));
  }
  for (const g of guests) {
    for (const rule of facts.pve.guestFw[String(g.vmid)]?.rules ?? []) {
      if (rule.direction === 'IN') add(rule, guestOf(rule.source), g.zone);
      if (rule.direction === 'OUT') add(rule, g.zone, guestOf(rule.dest));
    }
  }
  return [...out.values()];
}

// "443" -> [443]; "80,443" -> [80, 443]; "8000:8010" -> [8000] (one probe stands for a range);
// no port at all -> [undefined].
function portsOf(dport: string | null): (number | undefined)[] {
  if (!dport) return [undefined];
  const ports = dport
    .split(',')
    .map((p) => Number(p.split(':')[0]))
    .filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
  return ports.length > 0 ? ports : [undefined];
}

type G = { vmid: number; zone: string; name: string | null; ips: string[]; config: GuestConfig };

function auditText(
  facts: Facts,
  guests: G[],
  flows: BaselineFlow[],
  opts: { host: string; inventory: string; at: string; intentFile: string },
): string {
  const lines: string[] = [
    `# audit.yml written by \`pveaudit init\` from ${opts.host} (node ${facts.host.node ?? 'unknown'}) at ${opts.at}.`,
    '# A starting point: review every line marked REVIEW, then run',
    `#   pveaudit run -i ${opts.inventory} -a <this file> --limit ${opts.host}`,
    '',
    '# Every guest the node had; narrow the list to the ones this audit is about. REVIEW',
    `guests: [${guests.map((g) => g.vmid).join(', ')}]`,
  ];
  for (const g of guests) {
    lines.push(
      `#   ${g.vmid}: ${g.zone}${g.name ? ` ${g.name}` : ''}${g.ips.length ? ` ${g.ips.join(', ')}` : ' (no static IPv4 address in its config)'}`,
    );
  }
  const probed = flows.filter((f) => f.proto === 'tcp' && f.dport !== undefined && f.toIp !== '');
  const hosts = [...new Set(probed.flatMap((f) => [ipOf(guests, f.from), f.toIp]).filter((x) => x !== ''))];
  const bridge = commonBridge(guests);
  lines.push('');
  if (hosts.length > 0 && bridge) {
    lines.push(
      '# The capture watches the guests the probes involve, on the bridge most guest NICs use. REVIEW',
      'capture:',
      `  bridge: ${bridge}`,
      `  hosts: [${hosts.join(', ')}]`,
      '  seconds: 15',
      '  maxPackets: 1000',
    );
  } else {
    lines.push(
      '# No rule names two guests, so there is nothing to capture yet. To watch a flow:',
      '# capture: { bridge: vmbr0, hosts: [GUEST_IP, OTHER_GUEST_IP], seconds: 15, maxPackets: 1000 }',
    );
  }
  lines.push('');
  if (probed.length > 0) {
    lines.push(
      '# One probe per TCP flow the firewall rules name between two guests. The rules know only the port:',
      '# REVIEW each URL (a name the service answers to, with resolve: and cacert: for HTTPS, see README).',
      'probes:',
    );
    for (const f of probed) {
      const scheme = PROBE_PORTS_HTTPS.has(f.dport as number) ? 'https' : 'http';
      lines.push(
        `  - name: ${f.name}`,
        `    from: ${f.from}`,
        `    url: ${scheme}://${f.toIp}:${f.dport}/`,
        '    connectTimeout: 5',
        `    expect: ${f.expect === 'ACCEPT' ? 'reachable' : 'blocked'}   # from ${f.origin}`,
      );
    }
  } else {
    lines.push('probes: []   # no rule names two guests; add probes by hand (see README)');
  }
  lines.push(
    '',
    '# The firewall as init found it. A later run reports every difference from it (drift).',
    `intent: ${q(opts.intentFile)}`,
    '',
  );
  return lines.join('\n');
}

const ipOf = (guests: G[], zone: string) => guests.find((g) => g.zone === zone)?.ips[0] ?? '';

function commonBridge(guests: G[]): string | null {
  const count = new Map<string, number>();
  for (const g of guests)
    for (const n of g.config.nets) if (n.bridge) count.set(n.bridge, (count.get(n.bridge) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
}

function intentText(facts: Facts, guests: G[], flows: BaselineFlow[], opts: { host: string; at: string }): string {
  const lines: string[] = [
    `# Baseline recorded by \`pveaudit init\` from ${opts.host} (node ${facts.host.node ?? 'unknown'}) at ${opts.at}:`,
    '# the firewall AS IT IS, not necessarily as it should be. REVIEW it: remove what is wrong, and a',
    "# later `pveaudit run` reports the node's departures from what remains. Until then every run",
    '# reports drift (rules added, removed or changed on the node since this file was written).',
    '# Not recorded: host.fw, security groups, aliases and IP sets (the intent format has no place for them).',
  ];
  const cluster = facts.pve.cluster;
  lines.push('');
  if (cluster) {
    lines.push('cluster:', ...fileBlock(cluster, '  ', 'firewall/cluster.fw'));
  } else {
    lines.push(
      '# The node had no firewall/cluster.fw: the datacenter firewall is off. REVIEW',
      'cluster:',
      '  enable: false',
    );
  }
  lines.push('', 'guests:');
  if (guests.length === 0) lines.push('  []');
  for (const g of guests) {
    const fw = facts.pve.guestFw[String(g.vmid)];
    lines.push(`  - vmid: ${g.vmid}`);
    if (g.name) lines.push(`    name: ${q(g.name)}`);
    lines.push(`    type: ${g.config.type}`);
    if (g.ips[0]) lines.push(`    ip: ${g.ips[0]}`);
    lines.push('    firewall:');
    const nics = g.config.nets.map((n) => `${n.key}: ${n.firewall}`);
    if (nics.length > 0) lines.push(`      nics: { ${nics.join(', ')} }`);
    if (fw) lines.push(...fileBlock(fw, '      ', `firewall/${g.vmid}.fw`));
    else lines.push(`      enable: false   # no firewall/${g.vmid}.fw on the node`);
  }
  lines.push('', '# Flows the rules name between two guests, with the action the rule gives. REVIEW', 'flows:');
  if (flows.length === 0) lines.push('  []');
  for (const f of flows) {
    lines.push(
      `  - name: ${f.name}`,
      `    from: ${f.from}`,
      `    to: ${f.to}`,
      `    proto: ${f.proto}`,
      ...(f.dport === undefined ? [] : [`    dport: ${f.dport}`]),
      `    expect: ${f.expect}   # ${f.origin}`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

// enable, policies and rules of one firewall file, as the file has them now.
function fileBlock(file: FwFile, indent: string, path: string): string[] {
  const opt = (k: string) => (Object.hasOwn(file.options, k) ? file.options[k]?.value : undefined);
  const out: string[] = [];
  const enable = opt('enable');
  out.push(`${indent}enable: ${enable === '1'}${enable === undefined ? '   # not set in the file (off)' : ''}`);
  for (const k of ['policy_in', 'policy_out']) {
    const v = opt(k)?.toUpperCase();
    if (v === 'ACCEPT' || v === 'DROP' || v === 'REJECT') out.push(`${indent}${k}: ${v}`);
  }
  const rules = file.rules;
  out.push(`${indent}rules:${rules.length === 0 ? ' []' : `   # ${path} [RULES], in order`}`);
  for (const r of rules) {
    const note = r.errors.length > 0 ? `   # REVIEW: Proxmox skips this rule (${r.errors[0]})` : '';
    out.push(`${indent}  - ${q(r.text)}${note}`);
  }
  return out;
}
