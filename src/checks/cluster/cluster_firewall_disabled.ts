import { defineCheck, missingStep } from '../../assess/define.js';
import { reason } from '../../schema/reason.js';

// Without cluster enable: 1 Proxmox compiles no chain at all: no guest, host or cluster rule applies.
export default defineCheck({
  id: 'cluster_firewall_disabled',
  title: 'The datacenter firewall is enabled',
  problem: 'The datacenter firewall is disabled',
  severity: 'critical',
  needs: ['pve'],
  remediation: 'Set enable: 1 in [OPTIONS] of firewall/cluster.fw{why}.',
  evaluate(ctx) {
    const cluster = ctx.facts.pve.cluster;
    const subject = 'firewall/cluster.fw';
    const evidence = ['pve/firewall/cluster.fw'];
    if (!cluster && ctx.facts.missing.some((m) => m.step.includes('cluster') || m.reason.includes('cluster.fw'))) {
      const step = missingStep(ctx.facts, ['cluster.fw', 'cluster']);
      return [{ outcome: 'error', subject, detail: `cluster.fw could not be read: ${step}.`, missingStep: step }];
    }
    const value = cluster?.options.enable?.value;
    if (value === '1')
      return [
        {
          outcome: 'pass',
          subject,
          detail: `cluster.fw line ${cluster?.options.enable?.line} has enable: 1.`,
          evidence,
        },
      ];
    const ignored = cluster?.issues.find((i) => i.code === 'fw-bad-option' && /\benable\b/i.test(i.message));
    const detail = !cluster
      ? 'There is no firewall/cluster.fw, so the firewall is off for the whole cluster: no rule of any guest, node or the datacenter is applied.'
      : ignored
        ? `cluster.fw line ${ignored.line} tries to set enable, but Proxmox ignores that line (${ignored.message}), so the firewall is off for the whole cluster.`
        : `cluster.fw has ${value === undefined ? 'no enable option' : `enable: ${value}`}, so the firewall is off for the whole cluster: no guest, node or datacenter rule is applied.`;
    const intended = ctx.intent?.intent.cluster?.enable;
    return [
      {
        outcome: 'fail',
        subject,
        // Off on purpose is drift from best practice, not a firewall the admin meant on.
        ...(intended === false ? { severity: 'medium' as const } : {}),
        detail,
        evidence,
        vars: { why: intended === false ? ' (the intent also has it off: decide deliberately)' : '' },
        reason: !cluster
          ? reason('cluster-fw-missing', { file: subject })
          : reason('cluster-disabled', {
              file: subject,
              line: ignored?.line ?? cluster.options.enable?.line ?? null,
              value: value ?? null,
              error: ignored?.message,
            }),
        fix: {
          kind: 'fw-edit',
          phase: 'enable',
          file: subject,
          ops: [{ op: 'set-option', key: 'enable', value: '1' }],
        },
        verify: ['pve-firewall status   # expect: Status: enabled/running'],
        phoenix:
          ctx.intent?.source === 'phoenix'
            ? intended === false
              ? 'Set shared_volumes.firewall.enabled to true in phoenix_hypervisor_config.json and re-run the generator.'
              : 'phoenix_hypervisor_config.json already has shared_volumes.firewall.enabled: true; cluster.fw is not what the generator writes. Re-run the generator, or apply the patch.'
            : null,
      },
    ];
  },
});
