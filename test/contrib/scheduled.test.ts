import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { skipWhy } from '../e2e/helpers.js';
import { type Lab, labUp } from '../lab/lab.js';

// contrib/pveaudit-scheduled.sh as the systemd timer or cron runs it, against the lab: the first run
// has nothing to compare with, a second identical one passes, and a node that went back to the broken
// firewall fails with exit 1 and says REGRESSION.

const e2e = skipWhy ? test.serial.skip : test.serial;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'contrib', 'pveaudit-scheduled.sh');

function runScript(config: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      SCRIPT,
      [config],
      { env: { ...process.env, PVEAUDIT_FROM_SOURCE: '1' }, timeout: 240_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 99) : 0;
        resolve({ code: typeof code === 'number' ? code : 99, out: `${stdout}${stderr}` });
      },
    );
  });
}

function config(dir: string, l: Lab, reports: string): string {
  const file = join(dir, `pveaudit-${l.scenario}.env`);
  writeFileSync(
    file,
    [
      `PVEAUDIT="node ${join(ROOT, 'bin', 'pveaudit.js')}"`,
      `PVEAUDIT_INVENTORY=${l.inventory}`,
      `PVEAUDIT_AUDIT=${l.audit}`,
      `PVEAUDIT_REPORTS=${reports}`,
      'PVEAUDIT_FAIL_ON_NEW=high',
      `PVEAUDIT_RUN_ARGS="--format json --known-hosts ${l.knownHosts}"`,
      'PVEAUDIT_DIFF_FORMAT=json,md',
      '',
    ].join('\n'),
  );
  return file;
}

e2e('scheduled audit: first run, an unchanged run (exit 0), a regression (exit 1)', async (t) => {
  const prefix = 'pa-e2e-17';
  const dir = mkdtempSync(join(tmpdir(), 'pa-scheduled-'));
  const reports = join(dir, 'reports');
  const fixed = await labUp('fixed', { prefix, index: 17 });
  try {
    const first = await runScript(config(dir, fixed, reports));
    t.is(first.code, 0, first.out);
    t.regex(first.out, /pve: first run, nothing to compare with/);
    const second = await runScript(config(dir, fixed, reports));
    t.is(second.code, 0, second.out);
    t.regex(second.out, /pve: 0 findings resolved, 0 new/);
  } finally {
    await fixed.down();
  }
  const seed = await labUp('seed', { prefix, index: 17 });
  try {
    const third = await runScript(config(dir, seed, reports));
    t.log(
      third.out
        .split('\n')
        .filter((l) => /^pve:|REGRESSION|FAILED/.test(l))
        .join('\n'),
    );
    t.is(third.code, 1, third.out);
    t.regex(third.out, /traefik-to-portainer now gets no answer/);
    t.regex(third.out, /REGRESSION: 1 host\(s\) have new findings at or above high/);
  } finally {
    await seed.down();
  }
  const host = join(reports, 'pve');
  const diffs = readdirSync(host).filter((n) => n.endsWith('-diff'));
  t.is(diffs.length, 2, 'one diff per run that had a predecessor');
  t.true(existsSync(join(host, diffs.sort().at(-1)!, 'diff.md')));
  t.true(existsSync(join(reports, 'index.html')), 'run rewrote the fleet index');
});

test('a missing config file is exit 2, with the reason', async (t) => {
  const r = await runScript('/nonexistent/pveaudit.env');
  t.is(r.code, 2);
  t.regex(r.out, /no such config file/);
});

test('the systemd units and the cron line are well-formed', (t) => {
  const units = ['pveaudit.service', 'pveaudit.timer'].map((u) => join(ROOT, 'contrib', 'systemd', u));
  for (const u of units) t.true(existsSync(u));
  // systemd-analyze checks the unit syntax; the ExecStart path exists only once installed
  const cron = join(ROOT, 'contrib', 'cron', 'pveaudit');
  t.true(existsSync(cron));
  return new Promise<void>((resolve) => {
    execFile('systemd-analyze', ['verify', ...units], (_err, stdout, stderr) => {
      const problems = `${stdout}${stderr}`
        .split('\n')
        .filter((l) => l.trim() !== '' && !/pveaudit-scheduled\.sh is not executable|Failed to connect to bus/.test(l));
      t.deepEqual(problems, []);
      resolve();
    });
  });
});
