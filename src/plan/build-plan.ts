import type { AuditFile } from '../schema/audit.js';
import {
  captureSteps,
  cleanupStep,
  countersStep,
  factSteps,
  guestSteps,
  probeStep,
  rulesetSteps,
} from './catalogue.js';
import { type Discovery, type Plan, PlanSchema, type PlanStep } from './types.js';

// The whole plan for one host. Without `discovery` (a dry run, or before the first phase ran) the
// steps that depend on the node carry a `when` saying what decides them.
export function buildPlan(audit: AuditFile, host: string, discovery?: Discovery): Plan {
  const steps: PlanStep[] = [...factSteps()];
  if (discovery) {
    steps.push(...resolvedGuests(audit, discovery), ...rulesetSteps(discovery.nftables));
  } else {
    steps.push(...unresolvedGuests(audit), ...unresolvedRuleset());
  }
  // Counters are read again after the probes only where iptables-save -c was read before them.
  const counters = audit.probes.length > 0 && !discovery?.nftables ? [countersStep()] : [];
  const countersWhen = discovery ? counters : counters.map((s) => ({ ...s, when: 'unless host.fw has nftables: 1' }));
  if (audit.capture) {
    const cap = captureSteps(audit.capture);
    steps.push(...cap.start, ...audit.probes.map(probeStep), ...countersWhen, ...cap.stop, cleanupStep());
  } else {
    steps.push(...audit.probes.map(probeStep), ...countersWhen);
  }
  // The schema is the validator: a step that is not read-only or has a bad id cannot be built.
  return PlanSchema.parse({ host, resolved: discovery !== undefined, steps });
}

function resolvedGuests(audit: AuditFile, d: Discovery): PlanStep[] {
  const type = (vmid: number) => (d.lxc.includes(vmid) ? 'lxc' : d.qemu.includes(vmid) ? 'qemu' : 'unknown');
  const vmids = audit.guests === 'all' ? [...d.lxc, ...d.qemu].sort((a, b) => a - b) : audit.guests;
  return [...new Set(vmids)].flatMap((vmid) => guestSteps(vmid, type(vmid), d.node));
}

const NODE = '<node>';

function unresolvedGuests(audit: AuditFile): PlanStep[] {
  if (audit.guests === 'all') {
    const when = (t: string) => ({ when: `for each vmid <vmid> in ${t}` });
    return [
      ...guestSteps(100, 'lxc', NODE).map((s) => ({
        ...templ(s),
        ...when(s.id.startsWith('pve/firewall/') ? 'pct list and qm list' : 'pct list'),
      })),
      ...guestSteps(100, 'qemu', NODE)
        .filter((s) => s.kind !== 'file' || !s.id.startsWith('pve/firewall/'))
        .map((s) => ({ ...templ(s), ...when('qm list') })),
    ];
  }
  return audit.guests.flatMap((vmid) => {
    const lxc = guestSteps(vmid, 'lxc', NODE).map((s) => ({ ...s, when: `if ${vmid} is in pct list` }));
    const qemu = guestSteps(vmid, 'qemu', NODE)
      .slice(1)
      .map((s) => ({ ...s, when: `if ${vmid} is in qm list` }));
    const fw = lxc[0] as PlanStep;
    return [{ ...fw, when: undefined }, ...lxc.slice(1), ...qemu];
  });
}

// A stand-in vmid 100 in the id and command becomes the readable placeholder <vmid>.
function templ(s: PlanStep): PlanStep {
  return { ...s, id: s.id.replace(/100/g, '<vmid>'), command: s.command.replace(/\b100\b/g, '<vmid>') };
}

function unresolvedRuleset(): PlanStep[] {
  return [
    ...rulesetSteps(false).map((s) => ({ ...s, when: 'unless host.fw has nftables: 1' })),
    ...rulesetSteps(true).map((s) => ({ ...s, when: 'if host.fw has nftables: 1' })),
  ];
}
