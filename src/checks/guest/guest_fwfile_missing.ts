import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import type { FwEditOp } from '../../assess/fix/types.js';
import { simulateFromIntent } from '../../assess/lib/flow-commands.js';
import {
  fileMissingStep,
  firewallIntended,
  fwPath,
  guestLabel,
  guestZone,
  intendedGuests,
} from '../../assess/lib/guests.js';
import { becauseText } from '../../phrase/because.js';
import { reason } from '../../schema/reason.js';

// A guest without <vmid>.fw gets no firewall chain at all, whatever its NIC flags say.
export default defineCheck({
  id: 'guest_fwfile_missing',
  title: 'Firewalled guests have their own .fw file',
  problem: 'A guest meant to be firewalled has no .fw file',
  severity: 'critical',
  needs: ['pve'],
  remediation: 'Create {file} with enable: 1{rules} so {guest} is filtered.',
  evaluate(ctx) {
    const results: CheckResult[] = [];
    for (const { vmid, because } of firewallIntended(ctx)) {
      if (!ctx.facts.pve.guests[String(vmid)]) continue;
      const file = fwPath(vmid);
      const subject = guestZone(ctx, vmid);
      if (ctx.facts.pve.guestFw[String(vmid)]) {
        results.push({ outcome: 'pass', subject, detail: `${file} exists.`, evidence: [`pve/${file}`] });
        continue;
      }
      const step = fileMissingStep(ctx, file);
      if (step) {
        results.push({ outcome: 'error', subject, detail: `${file} could not be read: ${step}.`, missingStep: step });
        continue;
      }
      const want = intendedGuests(ctx).find((g) => g.vmid === vmid)?.firewall;
      const ops: FwEditOp[] = [{ op: 'set-option', key: 'enable', value: '1' }];
      if (want?.policy_in) ops.push({ op: 'set-option', key: 'policy_in', value: want.policy_in });
      if (want?.policy_out) ops.push({ op: 'set-option', key: 'policy_out', value: want.policy_out });
      let previous: string | undefined;
      for (const text of want?.rules ?? []) {
        ops.push(previous === undefined ? { op: 'add-rule', text } : { op: 'add-rule', text, after: previous });
        previous = text;
      }
      results.push({
        outcome: 'fail',
        subject,
        detail: `${guestLabel(ctx, vmid)} is meant to be firewalled (${becauseText(because)}), but there is no ${file}: Proxmox creates no firewall chain for it and accepts everything.`,
        evidence: [],
        reason: reason('guest-no-fwfile', { vmid, file }),
        vars: {
          file,
          guest: guestLabel(ctx, vmid),
          rules: want?.rules?.length ? ` and its ${want.rules.length} intended rule(s)` : '',
        },
        fix: { kind: 'fw-edit', phase: 'enable', file, ops },
        verify: simulateFromIntent(ctx, vmid),
        phoenix:
          ctx.intent?.source === 'phoenix'
            ? `No change to the Phoenix JSON can create ${file}: the generator writes only cluster.fw. The generator must write each guest's .fw (enable: 1 plus the guest's firewall.rules).`
            : null,
      });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'guests', detail: 'No guest on this node is meant to be firewalled.' }];
  },
});
