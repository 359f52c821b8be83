import type { Bundle } from '../bundle/index.js';
import { readChunks } from '../lib/read-chunks.js';
import { type AuditFile, AuditFileSchema } from '../schema/audit.js';
import type { Issue } from '../schema/common.js';
import type { Facts, Missing } from '../schema/facts.js';
import type { CaptureAnalysis } from '../schema/observe.js';
import { parseCurlVerbose } from './curl.js';
import { parseLocalnet } from './localnet.js';
import { analyseCapture } from './pcap/index.js';
import { parseFirewallStatus } from './pve-status.js';
import { parsePveTree } from './pve-tree.js';
import { parseIptablesSave, parseNftRuleset } from './ruleset.js';

// The raw /etc/pve texts, kept next to the facts so remediation can diff against the live files.
export interface ParsedBundle {
  facts: Facts;
  files: Record<string, string>; // /etc/pve-relative path -> text
  audit: AuditFile | null;
}

// Bundle -> Facts: the one place where evidence files turn into typed facts.
export async function parseBundle(bundle: Bundle): Promise<ParsedBundle> {
  const { manifest } = bundle;
  const issues: Issue[] = [];
  const missing: Missing[] = [];
  const stepById = new Map(manifest.steps.map((s) => [s.id, s]));
  for (const step of manifest.steps) {
    if (step.error && !step.absent) missing.push({ step: step.id, reason: step.error });
  }

  const text = (path: string) => bundle.readText(path);
  const command = async (id: string) => {
    const step = stepById.get(id);
    if (step && (step.error || step.exitCode !== 0)) return null;
    return text(`commands/${id}.out`);
  };

  const files: Record<string, string> = {};
  for (const e of manifest.evidence) {
    if (!e.path.startsWith('pve/')) continue;
    const body = await text(e.path);
    if (body !== null) files[e.path.slice('pve/'.length)] = body;
  }

  const auditParsed = AuditFileSchema.safeParse(manifest.audit ?? {});
  const audit = manifest.audit && auditParsed.success ? auditParsed.data : null;

  const hostname = (await command('hostname'))?.trim() || null;
  const pveVersionText = (await command('pveversion'))?.trim() || null;

  const statusText = await command('pve-firewall-status');
  const status = statusText === null ? null : parseFirewallStatus(statusText, 'commands/pve-firewall-status.out');
  const localnetText = await command('pve-firewall-localnet');
  const localnet = localnetText === null ? null : parseLocalnet(localnetText, 'commands/pve-firewall-localnet.out');

  const nodename = hostname ?? localnet?.nodename ?? undefined;
  const tree = parsePveTree(new Map(Object.entries(files)), {
    nodename,
    hostIp: localnet?.nodeIp ?? undefined,
    localNetwork: localnet?.localNetwork ?? undefined,
  });
  issues.push(...tree.issues);
  if (status) issues.push(...status.issues);
  if (localnet) issues.push(...localnet.issues);

  const nftablesBackend = tree.config.host?.options.nftables?.value === '1';
  const iptables = await command('iptables-save');
  const nft = await command('nft-list-ruleset');
  const ruleset =
    nftablesBackend && nft !== null
      ? parseNftRuleset(nft, 'commands/nft-list-ruleset.out')
      : iptables !== null
        ? parseIptablesSave(iptables, 'commands/iptables-save.out')
        : null;

  const raw = async (id: string) => {
    const body = await command(id);
    return body === null ? null : { file: `commands/${id}.out`, text: body };
  };
  const kernel = nftablesBackend
    ? { iptables: null, iptablesAfter: null, ip6tables: null, ipset: null, nft: await raw('nft-json-ruleset') }
    : {
        iptables: iptables === null ? null : { file: 'commands/iptables-save.out', text: iptables },
        iptablesAfter: await raw('iptables-save-after'),
        ip6tables: await raw('ip6tables-save'),
        ipset: await raw('ipset-save'),
        ebtables: await raw('ebtables-save'),
      };

  const captures: CaptureAnalysis[] = [];
  for (const e of manifest.evidence) {
    if (!e.path.startsWith('capture/') || !e.path.endsWith('.pcap')) continue;
    const analysis = await analyseCapture(readChunks(bundle.absolute(e.path)), {
      file: e.path,
      hosts: audit?.capture?.hosts,
      capturePoint: audit?.capture?.bridge,
    });
    issues.push(...analysis.issues);
    captures.push(analysis);
  }

  const probes: Facts['probes'] = [];
  for (const probe of audit?.probes ?? []) {
    const path = `probes/${probe.name}.curl.txt`;
    const step = manifest.steps.find((s) => s.outputs.includes(path));
    const body = await text(path);
    // A probe that did not run (its step has an error) observed nothing: keep the text, not a result.
    const result =
      body === null || step?.error
        ? null
        : parseCurlVerbose(body, { file: path, exitCode: step?.exitCode ?? null, url: probe.url });
    if (result) issues.push(...result.issues);
    probes.push({ probe, result, evidence: body === null ? null : path });
  }

  const facts: Facts = {
    platform: platformOf(stepById.get('pct-list')),
    host: {
      name: manifest.host.name,
      address: manifest.host.address,
      node: hostname ?? tree.config.nodename,
      pveVersion: pveVersionText ? pveVersionText.split('\n')[0]!.trim() : null,
    },
    pve: tree.config,
    nftablesBackend,
    status,
    localnet,
    ruleset,
    ...(kernel ? { kernel } : {}),
    captures,
    probes,
    captureHosts: audit?.capture?.hosts ?? [],
    guestsRequested: Array.isArray(audit?.guests) ? audit.guests : Object.keys(tree.config.guests).map(Number),
    missing,
    issues,
  };
  return { facts, files, audit };
}

// `pct` exists on every Proxmox node: exit 127 (command not found) says this is not one, a clean
// run says it is; anything else (timeout, lost connection, not run) cannot tell.
export function platformOf(
  step: { id: string; exitCode: number | null; error: string | null } | undefined,
): Facts['platform'] {
  if (!step) return { proxmox: 'unknown', step: null, exitCode: null };
  const proxmox = step.exitCode === 127 ? 'no' : step.exitCode === 0 && !step.error ? 'yes' : 'unknown';
  return { proxmox, step: step.id, exitCode: step.exitCode };
}
