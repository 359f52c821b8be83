import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { diffCommand } from '../../src/cli/commands/diff.js';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import { labUp } from '../lab/lab.js';
import { runOpts, skipWhy } from './helpers.js';

const e2e = skipWhy ? test.serial.skip : test.serial;

// The story's second day: the seed is audited, the 443 rule is added to 1001.fw, the node is audited
// again, and the diff of the two reports shows the fix.
e2e('diff of the seed audit and the audit after the fix: the flow is now accepted, nothing new', async (t) => {
  const prefix = 'pa-e2e-18';
  const seed = await labUp('seed', { prefix, index: 18 });
  const out = join(seed.stateDir, '..', `${prefix}-reports`);
  let before: string;
  try {
    t.is(await runCommand(runOpts(seed, out), bufferIo()), 0);
    before = join(out, 'pve', readlinkSync(join(out, 'pve', 'latest')));
  } finally {
    await seed.down();
  }
  const fixed = await labUp('fixed', { prefix, index: 18 });
  try {
    t.is(await runCommand(runOpts(fixed, out), bufferIo()), 0);
  } finally {
    await fixed.down();
  }
  const after = join(out, 'pve', 'latest');
  const io = bufferIo();
  t.is(await diffCommand({ oldDir: before, newDir: after, out: join(out, 'diff'), format: 'json,md' }, io), 0);
  const d = JSON.parse(readFileSync(join(out, 'diff', 'diff.json'), 'utf8'));
  t.log(io.stdout.join('\n'));
  // a changed flow never reads the same on both sides of the arrow in the terminal
  for (const line of io.stdout.filter((l) => l.startsWith('  flow changed'))) {
    const [was, now] = line.slice(line.indexOf(': ') + 2).split(' -> ');
    t.not(was, now, line);
  }
  // The generator still writes the rule into cluster.fw, so that copy stays reported, but 1001.fw
  // now has the rule: nothing is blocked by it any more, and its severity drops to hygiene.
  t.deepEqual(d.findings.new, [], 'the fix introduced nothing new');
  const copy = d.findings.persisting.find(
    (p: { finding: { subject: string; detail: string } }) =>
      p.finding.subject === 'vm1001' && p.finding.detail.includes('-dport 443 '),
  );
  t.is(copy?.severityBefore, 'high');
  t.is(copy?.finding.severity, 'low');
  t.true(copy?.changed);
  const flow = d.flows.find((f: { name: string }) => f.name === 'traefik-to-portainer');
  t.is(flow.change, 'changed');
  t.is(flow.before.simulated.action, 'DROP');
  t.is(flow.after.simulated.action, 'ACCEPT');
  const dropped = d.answers.find((a: { question: string }) => a.question === 'packets-dropped');
  t.like(dropped, { question: 'packets-dropped', before: 'yes', after: 'no', changed: true });
  t.like(dropped.beforeReason, { code: 'policy', file: 'firewall/1001.fw', line: 4, policy: 'DROP' });
  t.like(dropped.afterReason, { code: 'flows-pass', flows: ['traefik-to-portainer'] });

  // --host picks the same two runs; the paragraph leads, the 1001.fw change is a unified diff, the PDF
  // is among the default formats
  const byHost = bufferIo();
  const hostOut = join(out, 'diff-host');
  t.is(await diffCommand({ host: 'pve', reports: out, out: hostOut }, byHost), 0, byHost.stderr.join('\n'));
  t.log(byHost.stdout[0]);
  t.regex(byHost.stdout[0]!, /^pve: \d+ findings? resolved, 0 new; .*traefik-to-portainer now connects/);
  const hd = JSON.parse(readFileSync(join(hostOut, 'diff.json'), 'utf8'));
  const fw = hd.evidence.changes.find((c: { path: string }) => c.path === 'pve/firewall/1001.fw');
  t.regex(fw.patch, /^\+IN ACCEPT .*-dport 443/m);
  t.false(
    hd.evidence.changes.some((c: { path: string }) => c.path === 'commands/pveversion.out'),
    'unchanged evidence is not listed',
  );
  t.true(readdirSync(hostOut).includes('diff.pdf'));
  t.is(await diffCommand({ host: 'pve', reports: out, failOnNew: 'info' }, bufferIo()), 0, 'nothing new');
});
