import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { readPveDir } from '../../src/cli/commands/simulate.js';
import { buildModel } from '../../src/firewall/model.js';
import { simulate } from '../../src/firewall/simulate.js';
import { parsePveTree } from '../../src/parse/pve-tree.js';
import { FIXTURES } from '../checks/helpers.js';
import { seedReport } from './seed-facts.js';

const decide = (dir: string) => {
  const { config } = parsePveTree(readPveDir(dir), {});
  return simulate(buildModel(config), { from: '10.0.0.12', to: '10.0.0.101', proto: 'tcp', dport: 443 });
};

// The runbook is only worth signing if it works: run its commands, top to bottom, against a copy
// of the seed's /etc/pve (node-only commands such as pve-firewall are left out), then simulate again.
test('applying the seed runbook as written makes traefik -> portainer ACCEPT', async (t) => {
  const report = await seedReport();
  const work = mkdtempSync(join(tmpdir(), 'pa-runbook-'));
  const pve = join(work, 'etc-pve');
  const root = join(work, 'root');
  cpSync(join(FIXTURES, 'pve/seed'), pve, { recursive: true });
  mkdirSync(root);
  t.is(decide(pve).action, 'DROP');

  const steps = [...report.findings].sort((a, b) => (a.remediation.order ?? 0) - (b.remediation.order ?? 0));
  let ran = 0;
  for (const f of steps) {
    for (const command of f.remediation.commands) {
      if (/^(pve-firewall|pct|qm|systemctl) /.test(command)) continue;
      const local = command.replaceAll('/etc/pve', pve).replaceAll('/root/', `${root}/`);
      execFileSync('bash', ['-euo', 'pipefail', '-c', local], { stdio: 'pipe' });
      ran++;
    }
  }
  t.true(ran > 0, 'the runbook has commands that edit files');
  // Rollback stays possible: each backup is the file as it was before the first step touched it.
  const backups = readdirSync(root).filter((f) => f.endsWith('.bak'));
  t.true(backups.length > 0);
  for (const b of backups) {
    const name = b.slice(0, b.indexOf('.fw.') + 3);
    t.is(readFileSync(join(root, b), 'utf8'), readFileSync(join(FIXTURES, 'pve/seed/firewall', name), 'utf8'), b);
  }
  const after = decide(pve);
  t.is(after.action, 'ACCEPT', after.trace.join('\n'));
  t.is(after.decidedBy.file, 'firewall/1001.fw');

  // Each step's proof, `pve-firewall simulate ... # expect X`, asked of our simulator on the fixed
  // tree with the same arguments (and the same address defaults as the real one): it must hold.
  const proofs = steps.flatMap((f) => f.remediation.verify ?? []).filter((v) => v.startsWith('pve-firewall simulate'));
  t.true(proofs.length > 0);
  const { config } = parsePveTree(readPveDir(pve), {});
  const model = buildModel(config);
  for (const proof of proofs) {
    const [command, expect] = proof.split(/\s+# expect\s+/);
    const arg = (name: string) => new RegExp(`--${name} (\\S+)`).exec(command ?? '')?.[1];
    const r = simulate(model, {
      from: arg('from')!,
      to: arg('to')!,
      proto: (arg('protocol') ?? 'tcp') as 'tcp' | 'udp',
      dport: arg('dport') ? Number(arg('dport')) : undefined,
      source: arg('source'),
      dest: arg('dest'),
    });
    const why = [proof, ...r.trace].join('\n');
    t.is(r.action as string, expect?.trim() ?? '(no expectation)', why);
  }
  rmSync(work, { recursive: true });
});
