import test from 'ava';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import type { Report } from '../../src/schema/report.js';
import { latest, runOpts, skipWhy, withLab } from './helpers.js';

// The kernel's side: the files and the loaded ruleset disagree, and the report follows the kernel.
// Lab indexes 50..53.
const e2e = skipWhy ? test.skip : test.serial;

const probed = (r: Report) => r.flows.find((f) => f.name === 'traefik-to-portainer');
const answer = (r: Report, q: string) => r.answers.find((a) => a.question === q);
const HAND_DROP = '-s 10.0.0.12/32 -p tcp -m tcp --dport 443 -j DROP';

e2e('handdrop: the files accept, a hand-inserted DROP decides; the runbook removes exactly it', async (t) => {
  await withLab(t, 'handdrop', 50, async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    let { report } = latest(out, 'pve');
    // Counter attribution is a measurement on a real node: once in five full CI runs the lab's
    // counters and capture disagreed (attribution 'ambiguous', cause not found yet). The report says
    // so honestly; the measurement is taken once more before 'exact' is required of it.
    if (probed(report)?.kernel?.attribution === 'ambiguous') {
      t.log(
        `first run ambiguous: ${JSON.stringify(probed(report)?.kernel)}; capture ${JSON.stringify(probed(report)?.observed?.capture)}`,
      );
      t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
      report = latest(out, 'pve').report;
    }
    const flow = probed(report);
    t.is(flow?.simulated?.action, 'ACCEPT');
    t.like(flow?.live, { action: 'DROP', chain: 'tap1001i0-IN', rule: 3, text: `-A tap1001i0-IN ${HAND_DROP}` });
    // measured: the hand rule's counter rose by exactly the SYNs the capture saw
    const syns = flow?.observed?.capture?.syn ?? 0;
    t.true(syns >= 2);
    t.is(flow?.kernel?.attribution, 'exact');
    t.like(
      flow?.kernel?.rules.find((r) => r.chain === 'tap1001i0-IN' && r.rule === 3),
      { packets: syns },
    );
    t.is(report.rootCause?.layer, 'firewall');
    t.is(report.rootCause?.reason?.code, 'live-differs');
    t.is(report.rootCause?.decidedBy?.text, `-A tap1001i0-IN ${HAND_DROP}`);
    t.is(answer(report, 'rules-loaded')?.answer, 'no');
    t.like(answer(report, 'packets-dropped'), {
      answer: 'yes',
      reason: { code: 'live-differs', chain: 'tap1001i0-IN', rule: 3, drift: 'hand-added' },
    });
    t.deepEqual(
      report.drift?.map((d) => [d.chain, d.kind, d.reason.code]),
      [['tap1001i0-IN', 'extra', 'hand-added']],
    );
    const fix = report.findings.find((f) => f.checkId === 'kernel_flow_live_differs');
    t.is(fix?.remediation.order, 1);
    t.deepEqual(fix?.remediation.commands, [`iptables -D tap1001i0-IN ${HAND_DROP}`]);
    // folded: no "look past the firewall" finding, no second finding for the same rule
    t.false(
      report.findings.some((f) => f.checkId === 'flow_observation_disagrees' || f.checkId === 'kernel_ruleset_drift'),
    );
    // The runbook's first step, run on the node, makes the probe work, and the proof says so.
    const del = await l.nodeExec(
      `iptables -D tap1001i0-IN ${HAND_DROP} && iptables -C tap1001i0-IN ${HAND_DROP}; echo $?`,
    );
    t.is(del.stdout.trim(), '1');
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const after = latest(out, 'pve').report;
    t.is(probed(after)?.observed?.probe?.phase, 'done');
    t.is(probed(after)?.live?.action, 'ACCEPT');
    t.is(answer(after, 'rules-loaded')?.answer, 'yes');
    t.deepEqual(after.drift, []);
  });
});

e2e('fwdrop: a hand-inserted DROP in PVEFW-FORWARD decides before any guest chain', async (t) => {
  await withLab(t, 'fwdrop', 51, async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { report } = latest(out, 'pve');
    t.like(probed(report)?.live, { action: 'DROP', chain: 'PVEFW-FORWARD', rule: 3 });
    t.is(report.rootCause?.reason?.drift, 'hand-added');
    t.is(answer(report, 'rules-loaded')?.answer, 'no');
    const fix = report.findings.find((f) => f.checkId === 'kernel_flow_live_differs');
    t.deepEqual(fix?.remediation.commands, [
      'iptables -D PVEFW-FORWARD -s 10.0.0.12/32 -d 10.0.0.101/32 -p tcp -m tcp --dport 443 -j DROP',
    ]);
  });
});

e2e('pending: 1001.fw was fixed but never applied; the kernel still drops at its old chain', async (t) => {
  await withLab(t, 'pending', 52, async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { report } = latest(out, 'pve');
    const flow = probed(report);
    t.is(flow?.simulated?.action, 'ACCEPT');
    t.like(flow?.live, { action: 'DROP', chain: 'tap1001i0-IN', rule: 4, text: '-A tap1001i0-IN -j DROP' });
    t.is(report.rootCause?.layer, 'firewall');
    t.is(report.rootCause?.reason?.drift, 'live-rule-missing');
    t.is(answer(report, 'rules-loaded')?.answer, 'no');
    t.deepEqual(
      report.drift?.map((d) => [d.chain, d.kind, d.reason.code]),
      [['tap1001i0-IN', 'missing', 'live-rule-missing']],
    );
    const fix = report.findings.find((f) => f.checkId === 'kernel_flow_live_differs');
    t.deepEqual(fix?.remediation.commands, ['pve-firewall restart']);
    t.true(fix?.remediation.verify?.some((v) => v.startsWith('pve-firewall status')));
    t.true(report.findings.some((f) => f.checkId === 'service_changes_pending'));
  });
});

e2e('stale: the guest firewall was switched off, its chain is still loaded and still drops', async (t) => {
  await withLab(t, 'stale', 53, async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { report } = latest(out, 'pve');
    const flow = probed(report);
    t.is(flow?.simulated?.action, 'ACCEPT');
    t.like(flow?.live, { action: 'DROP', chain: 'tap1001i0-IN' });
    t.is(report.rootCause?.reason?.code, 'live-differs');
    t.deepEqual(
      report.drift?.filter((d) => d.reason.code === 'stale-chain').map((d) => d.chain),
      ['tap1001i0-IN', 'tap1001i0-OUT'],
    );
    t.is(answer(report, 'rules-loaded')?.answer, 'no');
  });
});
