import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { analyseBundleDir } from '../../src/cli/pipeline.js';

// Issue 11: 4 k Phoenix rules took minutes because checks searched every rule for every rule.
// The sample bundle audited against its Phoenix JSON with 1 000 more rules for CT 102 (each one
// missing from the live files, misplaced and an expected flow) must stay within a CPU bound.
const SAMPLE = fileURLToPath(new URL('../../samples/seed', import.meta.url));

test('1 000 extra Phoenix rules are analysed in bounded CPU time', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pveaudit-scale-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(SAMPLE, join(dir, 'bundle'), { recursive: true });
  const phoenix = join(dir, 'phoenix');
  cpSync(join(SAMPLE, 'evidence/intent/phoenix'), phoenix, { recursive: true });
  const lxcPath = join(phoenix, 'phoenix_lxc_configs.json');
  const lxc = JSON.parse(readFileSync(lxcPath, 'utf8'));
  for (let i = 0; i < 1000; i++)
    lxc.lxc_configs['102'].firewall.rules.push({
      type: 'in',
      action: 'ACCEPT',
      proto: 'tcp',
      source: `10.1.${i >> 8}.${i & 255}`,
      dest: '10.0.0.12',
      port: String(1000 + i),
      comment: `rule ${i}`,
    });
  writeFileSync(lxcPath, JSON.stringify(lxc));
  return (async () => {
    const start = process.cpuUsage();
    const report = await analyseBundleDir(join(dir, 'bundle'), { intentPath: phoenix });
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000;
    t.true(report.findings.length >= 1000, `${report.findings.length} findings`);
    t.true(ms < 20_000, `${ms.toFixed(0)} ms CPU`);
    t.log(`${report.findings.length} findings in ${ms.toFixed(0)} ms CPU`);
  })();
});
