import type { CheckResult } from '../../assess/define.js';
import { defineCheck, missingFact } from '../../assess/define.js';
import { deviceOf, guestLabel, guestZone } from '../../assess/lib/guests.js';
import { reason } from '../../schema/reason.js';

// The config says a NIC is filtered; only the live ruleset shows whether it really is.
export default defineCheck({
  id: 'ruleset_guest_chains_missing',
  title: 'The live ruleset has the guest chains the configuration implies',
  problem: 'The live ruleset lacks guest chains the configuration implies',
  severity: 'critical',
  needs: ['pve', 'ruleset'],
  remediation: 'Reload the firewall so {device} gets its chains.',
  evaluate(ctx) {
    const step = missingFact(ctx, 'ruleset');
    const ruleset = ctx.facts.ruleset;
    if (step || !ruleset)
      return [
        {
          outcome: 'error',
          subject: 'ruleset',
          detail: `The live ruleset could not be read: ${step}.`,
          missingStep: step ?? 'iptables-save',
        },
      ];
    const results: CheckResult[] = [];
    for (const [id, guest] of Object.entries(ctx.facts.pve.guests)) {
      const vmid = Number(id);
      const state = ctx.guestState(vmid);
      if (!state.effective) continue;
      for (const net of guest.nets.filter((n) => n.firewall)) {
        const device = deviceOf(vmid, guest.type, net.index);
        const subject = `${guestZone(ctx, vmid)}/${net.key}`;
        if (ruleset.guestDevices.includes(device)) {
          results.push({
            outcome: 'pass',
            subject,
            detail: `${ruleset.file} jumps to ${device}-IN.`,
            evidence: [ruleset.file],
          });
          continue;
        }
        const reload = ruleset.backend === 'nftables' ? 'systemctl restart proxmox-firewall' : 'pve-firewall restart';
        results.push({
          outcome: 'fail',
          subject,
          detail: `The configuration filters ${guestLabel(ctx, vmid)} ${net.key} (cluster, guest and NIC switches are on), but ${ruleset.file} has no jump to ${device}-IN: the guest is not filtered right now.`,
          evidence: [ruleset.file],
          vars: { device },
          reason: reason('chains-missing', { chain: `${device}-IN`, vmid, nic: net.key, file: ruleset.file }),
          fix: { kind: 'command', phase: 'apply', commands: [reload] },
          verify: [
            ruleset.backend === 'nftables'
              ? `nft list map bridge proxmox-firewall-guests vm-map-in | grep -c ${device}   # expect 1`
              : `iptables-save | grep -c -- '-j ${device}-IN'   # expect 1 or more`,
          ],
        });
      }
    }
    return results.length > 0
      ? results
      : [
          {
            outcome: 'not_applicable',
            subject: 'ruleset',
            detail: 'No guest on this node is filtered by its configuration.',
          },
        ];
  },
});
