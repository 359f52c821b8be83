import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { simulateFromIntent } from '../../assess/lib/flow-commands.js';
import {
  evidenceOf,
  fileMissingStep,
  firewallIntended,
  fwPath,
  guestLabel,
  guestZone,
} from '../../assess/lib/guests.js';
import { becauseText } from '../../phrase/because.js';
import { reason } from '../../schema/reason.js';

// A guest's rules apply only with enable: 1 in its .fw; the default is off.
export default defineCheck({
  id: 'guest_firewall_disabled',
  title: 'Guest firewalls that are meant to be on have enable: 1',
  problem: "A guest's firewall is disabled although it is meant to be on",
  severity: 'critical',
  needs: ['pve'],
  remediation: 'Set enable: 1 in [OPTIONS] of {file} so {guest} gets its firewall chains.',
  evaluate(ctx) {
    const results: CheckResult[] = [];
    for (const { vmid, because } of firewallIntended(ctx)) {
      const subject = guestZone(ctx, vmid);
      const file = fwPath(vmid);
      const state = ctx.guestState(vmid);
      if (!state.onNode || !state.fwFile) {
        const step = fileMissingStep(ctx, file);
        if (step)
          results.push({ outcome: 'error', subject, detail: `${file} could not be read: ${step}.`, missingStep: step });
        continue;
      }
      const fw = ctx.facts.pve.guestFw[String(vmid)];
      const enable = fw?.options.enable;
      if (enable?.value === '1') {
        results.push({
          outcome: 'pass',
          subject,
          detail: `${file} line ${enable.line} has enable: 1.`,
          evidence: [evidenceOf(file)],
        });
        continue;
      }
      const ignored = fw?.issues.find((i) => i.code === 'fw-bad-option' && /enable/i.test(i.message));
      results.push({
        outcome: 'fail',
        subject,
        detail: `${guestLabel(ctx, vmid)} is meant to be firewalled (${becauseText(because)}), but ${file} ${ignored ? `has its enable line ${ignored.line} ignored by Proxmox (${ignored.message})` : enable ? `has enable: ${enable.value}` : 'has no enable option (default 0)'}: Proxmox creates no firewall chain for it and accepts everything.`,
        evidence: [evidenceOf(file)],
        vars: { file, guest: guestLabel(ctx, vmid) },
        reason: reason('guest-disabled', {
          vmid,
          file,
          line: ignored?.line ?? enable?.line ?? null,
          value: enable?.value ?? null,
          error: ignored?.message,
        }),
        fix: { kind: 'fw-edit', phase: 'enable', file, ops: [{ op: 'set-option', key: 'enable', value: '1' }] },
        verify: simulateFromIntent(ctx, vmid),
        phoenix:
          ctx.intent?.source === 'phoenix'
            ? "The JSON already has firewall.enabled: true for this guest, but the generator never writes firewall/<vmid>.fw, so the guest switch stays off. No JSON change can help: the generator must write the guest's .fw with enable: 1.".replace(
                '<vmid>',
                String(vmid),
              )
            : null,
      });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'guests', detail: 'No guest is meant to be firewalled.' }];
  },
});
