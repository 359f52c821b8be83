import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import {
  deviceOf,
  evidenceOf,
  fileMissingStep,
  firewallIntended,
  guestLabel,
  guestZone,
  intendedGuests,
} from '../../assess/lib/guests.js';
import { becauseText } from '../../phrase/because.js';
import { reason } from '../../schema/reason.js';

// Only NICs with firewall=1 go through a firewall bridge; the others bypass every guest rule.
export default defineCheck({
  id: 'guest_nic_firewall_off',
  title: 'NICs of firewalled guests have firewall=1',
  problem: 'A NIC of a guest meant to be firewalled has firewall=0',
  severity: 'critical',
  needs: ['pve'],
  remediation: 'Set firewall=1 on {nic} of {guest}, keeping every other property of the NIC as it is.',
  evaluate(ctx) {
    const results: CheckResult[] = [];
    for (const { vmid, because } of firewallIntended(ctx)) {
      const config = ctx.facts.pve.guests[String(vmid)];
      const subject = guestZone(ctx, vmid);
      if (!config) {
        const step = fileMissingStep(ctx, `${vmid}.conf`);
        if (step)
          results.push({
            outcome: 'error',
            subject,
            detail: `The configuration of ${guestLabel(ctx, vmid)} could not be read: ${step}.`,
            missingStep: step,
          });
        continue;
      }
      const wanted = intendedGuests(ctx).find((g) => g.vmid === vmid)?.firewall?.nics;
      for (const net of config.nets) {
        if (wanted && wanted[net.key] !== true) continue;
        const nicSubject = `${subject}/${net.key}`;
        if (net.firewall) {
          results.push({
            outcome: 'pass',
            subject: nicSubject,
            detail: `${net.key} has firewall=1.`,
            evidence: [evidenceOf(config.path)],
          });
          continue;
        }
        const type = config.type;
        const tool = type === 'lxc' ? 'pct' : 'qm';
        results.push({
          outcome: 'fail',
          subject: nicSubject,
          detail: `${guestLabel(ctx, vmid)} is meant to be firewalled (${becauseText(because)}), but ${net.key} has ${net.props.firewall === undefined ? 'no firewall flag' : `firewall=${net.props.firewall}`}: Proxmox builds no firewall bridge for it, so ${deviceOf(vmid, type, net.index)} traffic bypasses every guest rule.`,
          evidence: [evidenceOf(config.path)],
          vars: { nic: net.key, guest: guestLabel(ctx, vmid) },
          reason: reason('nic-unfiltered', {
            vmid,
            nic: net.key,
            file: config.path,
            dev: deviceOf(vmid, type, net.index),
            value: net.props.firewall ?? null,
          }),
          fix: { kind: 'nic-flag', phase: 'enable', vmid, type, nic: net.key, raw: net.raw },
          verify: [
            `${tool} config ${vmid} | grep '^${net.key}:'   # expect firewall=1`,
            `iptables-save | grep -c -- '-j ${deviceOf(vmid, type, net.index)}-IN'   # expect 1 or more`,
          ],
          phoenix:
            ctx.intent?.source === 'phoenix'
              ? `The JSON already has firewall.enabled: true for ${guestLabel(ctx, vmid)}; network_config has no firewall flag, so no JSON change can set it. Run the ${tool} set command, and have the generator pass firewall=1 when it creates the NIC.`
              : null,
        });
      }
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'guests', detail: 'No guest on this node is meant to be firewalled.' }];
  },
});
