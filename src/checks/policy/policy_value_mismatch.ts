import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { fwPath, guestLabel, guestZone } from '../../assess/lib/guests.js';
import { regenerateNote } from '../../assess/lib/phoenix.js';
import { OPTION_DEFAULTS } from '../../parse/fw-options.js';
import type { Action } from '../../schema/common.js';
import type { FwFile } from '../../schema/pve.js';
import { reason } from '../../schema/reason.js';

type Key = 'policy_in' | 'policy_out';

// A policy differing from the intent turns every unmatched packet into the wrong verdict.
export default defineCheck({
  id: 'policy_value_mismatch',
  title: 'Firewall policies are the intended ones',
  problem: 'A firewall policy differs from the intended one',
  severity: 'high',
  needs: ['pve', 'intent'],
  remediation: 'Set {key}: {want} in {file} (it is {have}).',
  evaluate(ctx) {
    if (!ctx.intent)
      return [
        {
          outcome: 'error',
          subject: 'intent',
          detail: 'No intent was given, so there is no intended policy to compare with.',
          missingStep: 'intent',
        },
      ];
    const results: CheckResult[] = [];
    const compare = (
      file: FwFile | null | undefined,
      path: string,
      kind: 'cluster' | 'guest',
      subject: string,
      want: Partial<Record<Key, Action>>,
      who: string,
    ) => {
      for (const key of ['policy_in', 'policy_out'] as const) {
        const wanted = want[key];
        if (!wanted) continue;
        const written = file?.options[key];
        const have = written?.value ?? OPTION_DEFAULTS[kind][key] ?? '';
        if (have === wanted) {
          results.push({
            outcome: 'pass',
            subject: `${subject}/${key}`,
            detail: `${path} has ${key} ${have}${written ? '' : ' (default)'}, as intended.`,
          });
          continue;
        }
        const tightening = wanted !== 'ACCEPT';
        results.push({
          outcome: 'fail',
          subject: `${subject}/${key}`,
          // Looser than meant opens traffic meant to be blocked; tighter blocks traffic meant to pass;
          // DROP for REJECT (or back) blocks either way.
          severity: have === 'ACCEPT' ? 'critical' : wanted === 'ACCEPT' ? 'high' : 'medium',
          detail: `${who} is meant to have ${key} ${wanted}, but ${path} ${written ? `line ${written.line} sets ${have}` : `does not set it, so the default ${have} applies`}.`,
          evidence: [`pve/${path}`],
          vars: { key, want: wanted, file: path, have: written ? have : `${have} by default` },
          reason: reason('policy-mismatch', {
            file: path,
            line: written?.line ?? null,
            key,
            expected: wanted,
            actual: have,
            default: !written,
          }),
          // Tightening a policy goes after the allow rules, so intended traffic keeps flowing.
          fix: {
            kind: 'fw-edit',
            phase: tightening ? 'enable' : 'options',
            file: path,
            ops: [{ op: 'set-option', key, value: wanted }],
          },
          verify: [`grep -n '^${key}:' /etc/pve/${path}   # expect ${key}: ${wanted}`],
          phoenix:
            kind === 'cluster'
              ? regenerateNote(ctx, `default_${key === 'policy_in' ? 'input' : 'output'}_policy: ${wanted}`)
              : null,
        });
      }
    };
    const c = ctx.intent.intent.cluster;
    if (c) compare(ctx.facts.pve.cluster, 'firewall/cluster.fw', 'cluster', 'cluster', c, 'The node');
    for (const g of ctx.intent.intent.guests ?? []) {
      if (!g.firewall || !ctx.facts.pve.guests[String(g.vmid)]) continue;
      compare(
        ctx.facts.pve.guestFw[String(g.vmid)],
        fwPath(g.vmid),
        'guest',
        guestZone(ctx, g.vmid),
        g.firewall,
        guestLabel(ctx, g.vmid),
      );
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'intent', detail: 'The intent states no policy.' }];
  },
});
