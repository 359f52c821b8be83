import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { fileMissingStep, guestLabel, guestZone, intendedGuests } from '../../assess/lib/guests.js';
import { reason } from '../../schema/reason.js';

// Proxmox compiles a guest's chains only on the node that runs it: from here it is unfiltered and unseen.
export default defineCheck({
  id: 'guest_node_elsewhere',
  title: 'Audited guests run on the audited node',
  problem: 'An audited guest is not on the audited node',
  severity: 'medium',
  needs: ['pve'],
  remediation: 'Audit the node that runs {guest}: its firewall is compiled there, not on {node}.',
  evaluate(ctx) {
    const wanted = new Set<number>([...ctx.facts.guestsRequested, ...intendedGuests(ctx).map((g) => g.vmid)]);
    const node = ctx.facts.pve.nodename;
    const results: CheckResult[] = [];
    for (const vmid of [...wanted].sort((a, b) => a - b)) {
      const subject = guestZone(ctx, vmid);
      const config = ctx.facts.pve.guests[String(vmid)];
      if (config) {
        results.push({ outcome: 'pass', subject, detail: `${guestLabel(ctx, vmid)} is configured on ${node}.` });
        continue;
      }
      const step = fileMissingStep(ctx, `${vmid}.conf`);
      if (step) {
        results.push({
          outcome: 'error',
          subject,
          detail: `Whether ${guestLabel(ctx, vmid)} runs on ${node} is unknown: ${step}.`,
          missingStep: step,
        });
        continue;
      }
      results.push({
        outcome: 'fail',
        subject,
        detail: `${guestLabel(ctx, vmid)} has no configuration under nodes/${node}/: it runs on another node (or does not exist), so ${node} compiles no chain for it and this audit cannot see its firewall.`,
        vars: { guest: guestLabel(ctx, vmid), node },
        // Where it runs is not known from this node; the audited node is named apart.
        reason: reason('guest-elsewhere', { vmid, node: null, audited: node ?? null }),
        fix: {
          kind: 'command',
          phase: 'apply',
          commands: [
            `ls /etc/pve/nodes/*/lxc/${vmid}.conf /etc/pve/nodes/*/qemu-server/${vmid}.conf 2>/dev/null   # the node in this path runs it: audit that node (--limit <node>)`,
          ],
        },
        verify: [
          `ls /etc/pve/nodes/${node}/lxc/${vmid}.conf /etc/pve/nodes/${node}/qemu-server/${vmid}.conf 2>/dev/null`,
        ],
      });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'guests', detail: 'No guest was named by the audit or the intent.' }];
  },
});
