import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { initCommand } from '../../src/cli/commands/init.js';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import { loadInventory } from '../../src/plan/inventory.js';
import { latest, skipWhy, withLab } from './helpers.js';

// A new user's first audit: an INI inventory, no intent of their own; `init` writes audit.yml and a
// baseline intent from the node, `run` against it is complete and quiet about drift, and a rule
// changed on the node afterwards shows up as drift.
const maybe = skipWhy ? test.skip : test.serial;

maybe('init then run: a complete report against the baseline; a changed rule is drift', async (t) => {
  await withLab(t, 'seed', 33, async (l, out) => {
    // The lab's YAML inventory, rewritten the way most Ansible users keep theirs (hosts, INI).
    const [node] = (await loadInventory(l.inventory)).hosts;
    const v = node?.vars ?? {};
    const ini = join(out, 'hosts');
    writeFileSync(
      ini,
      `[pve]\n${node?.name} ansible_host=${v.ansible_host} ansible_port=${v.ansible_port ?? 22} ansible_user=${v.ansible_user ?? 'root'} ansible_ssh_private_key_file=${v.ansible_ssh_private_key_file}\n`,
    );
    const cfg = join(out, 'cfg');
    const io = bufferIo();
    const code = await initCommand({ inventory: ini, limit: node?.name, out: cfg, knownHosts: l.knownHosts }, io);
    t.is(code, 0, io.stderr.join('\n'));
    t.true(
      io.stdout.some((s) => /^ct102 .*10\.0\.0\.12/.test(s)),
      io.stdout.join('\n'),
    );
    const audit = readFileSync(join(cfg, 'audit.yml'), 'utf8');
    const intent = readFileSync(join(cfg, 'intent.yml'), 'utf8');
    t.regex(audit, /guests: \[101, 102, 103, 1001\]/);
    t.regex(audit, /name: ct102-to-vm1001-tcp-443\n\s+from: ct102\n\s+url: https:\/\/10\.0\.0\.101:443\//);
    t.regex(audit, /bridge: vmbr0/);
    t.regex(audit, /REVIEW/);
    t.regex(intent, /"IN ACCEPT -p tcp -source 10\.0\.0\.12 -dest 10\.0\.0\.13 -dport 9000 # traefik -> step-ca"/);
    t.regex(intent, /- vmid: 1001[\s\S]*?policy_in: DROP/);
    t.log(audit);

    const run = async () => {
      const rio = bufferIo();
      const rc = await runCommand(
        { inventory: ini, audit: join(cfg, 'audit.yml'), knownHosts: l.knownHosts, out, format: 'json', json: true },
        rio,
      );
      // --json: stdout is one JSON document, the summary line went to stderr
      const doc = JSON.parse(rio.stdout.join('\n'));
      t.like(doc.hosts[0], { host: node?.name, exitCode: rc, status: 'complete' });
      t.true(rio.stderr.some((l) => l.startsWith(`${node?.name}: complete`)));
      return { rc, report: latest(out, node?.name as string).report };
    };
    const first = await run();
    t.not(first.rc, 2);
    t.is(first.report.status, 'complete');
    t.is(first.report.intentFile?.path, 'evidence/intent/intent.yml');
    const drift = (r: typeof first.report) =>
      r.findings.filter((f) => f.checkId === 'rules_intended_missing' || f.checkId === 'rules_live_unexpected');
    t.deepEqual(drift(first.report), [], 'right after init the node matches its baseline');
    t.true(first.report.flows.some((f) => f.name === 'ct102-to-vm1001-tcp-443'));

    const edit = await l.nodeExec("sed -i 's/-dport 9000 /-dport 9001 /' /etc/pve/firewall/cluster.fw");
    t.is(edit.code, 0, edit.stderr);
    // a new report directory needs a new timestamp (second resolution)
    await new Promise((r) => setTimeout(r, 1100));
    const second = await run();
    t.is(second.report.status, 'complete');
    // The baseline's 9000 rule is gone: an intended rule missing. The new 9001 rule is live but not in
    // the intent; a guest rule in cluster.fw is reported once, as misplaced, naming it.
    const missing = drift(second.report).filter((f) => f.checkId === 'rules_intended_missing');
    t.true(
      missing.some((f) => f.detail?.includes('-dport 9000')),
      JSON.stringify(missing),
    );
    const before = new Set(first.report.findings.map((f) => f.id));
    const added = second.report.findings.filter((f) => !before.has(f.id));
    t.log(added.map((f) => `${f.checkId} ${f.subject}`).join('\n'));
    t.true(
      added.some((f) => JSON.stringify(f).includes('-dport 9001')),
      'the new rule is named by a new finding',
    );
  });
});
