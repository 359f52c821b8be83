import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import type { Report } from '../../src/schema/report.js';
import { captureDir, latest, leftovers, runOpts, skipWhy, withLab } from './helpers.js';

const e2e = skipWhy ? test.skip : test.serial;

const probedFlow = (r: Report) => r.flows.find((f) => f.name === 'traefik-to-portainer');
const answer = (r: Report, q: string) => r.answers.find((a) => a.question === q);
// healthy, refused and tls: 1001.fw accepts the probe's traffic here.
const ACCEPT_443 = {
  kind: 'rule',
  file: 'firewall/1001.fw',
  line: 8,
  text: 'IN ACCEPT -source 10.0.0.12 -p tcp -dport 443 # traefik -> portainer',
};

// The pcap as tcpdump reads it back, one line per packet.
function packets(dir: string): string {
  return execFileSync('tcpdump', ['-nn', '-r', join(dir, 'evidence/capture/vmbr0.pcap')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

e2e('seed: the dropped SYNs are in the real pcap and curl timed out; the report names 1001.fw', async (t) => {
  await withLab(t, 'seed', 20, async (l, out) => {
    const io = bufferIo();
    t.is(await runCommand(runOpts(l, out), io), 0, io.stderr.join('\n'));
    const { dir, report, manifest } = latest(out, 'pve');
    t.is(report.status, 'complete');
    // every fix ends with this very audit again, with the real inventory and audit paths
    const rerun = `pveaudit run -i ${l.inventory} -a ${l.audit} --known-hosts ${l.knownHosts} --limit pve`;
    t.true(report.findings.every((f) => f.remediation.verify?.some((v) => v.startsWith(rerun))));
    const fp = execFileSync('ssh-keygen', ['-lf', l.knownHosts], { encoding: 'utf8' }).split(/\s+/)[1] ?? null;
    t.is(manifest.host.hostKeyFingerprint, fp);
    const curl = readFileSync(join(dir, 'evidence/probes/traefik-to-portainer.curl.txt'), 'utf8');
    t.regex(curl, /curl: \(28\)/);
    const syns = packets(dir)
      .split('\n')
      .filter((p) => /10\.0\.0\.12\.\d+ > 10\.0\.0\.101\.443: Flags \[S\]/.test(p));
    t.true(syns.length >= 2, 'retransmitted SYNs captured');
    const flow = probedFlow(report);
    t.is(flow?.observed?.capture?.verdict, 'unanswered');
    t.true((flow?.observed?.capture?.syn ?? 0) >= 2);
    t.is(flow?.observed?.probe?.phase, 'connect');
    t.is(flow?.observed?.probe?.exitCode, 28);
    t.is(report.rootCause?.layer, 'firewall');
    t.deepEqual(report.rootCause?.decidedBy, {
      kind: 'policy',
      file: 'firewall/1001.fw',
      line: 4,
      text: 'policy_in: DROP',
    });
    t.like(report.rootCause?.reason, { code: 'rule-wrong-file', file: 'firewall/cluster.fw', line: 12, vmid: 1001 });
    t.is(answer(report, 'packets-dropped')?.answer, 'yes');
    t.is(answer(report, 'rules-loaded')?.answer, 'yes');
    t.regex(answer(report, 'rules-loaded')?.because ?? '', /^As generated: /);
    // One finding per misplaced rule, each with its line for the guest's file; the dropped flows are
    // their consequence and are not reported again.
    const placement = report.findings.find(
      (f) =>
        f.checkId === 'rules_guest_traffic_in_cluster' && f.subject === 'vm1001' && /line 12 /.test(f.detail ?? ''),
    );
    t.is(placement?.severity, 'high');
    t.regex(
      placement?.remediation.patch ?? '',
      /\+IN ACCEPT -p tcp -source 10\.0\.0\.12 -dest 10\.0\.0\.101 -dport 443 # traefik -> portainer/,
    );
    t.false(report.findings.some((f) => f.checkId === 'flow_simulated_mismatch'));
    t.deepEqual(report.summary, { critical: 0, high: 5, medium: 0, low: 0, info: 0 });
    const capture = captureDir(manifest);
    t.truthy(capture);
    t.deepEqual(await leftovers(l, capture), { tcpdump: '', files: '' });
    t.true(io.stdout.some((line) => line.startsWith('pve: complete,')));
    // the same audit with --fail-on: blocked traffic meant to pass is high, nothing is open that
    // was meant to be closed, so only --fail-on high fails
    t.is(await runCommand({ ...runOpts(l, out), failOn: 'critical' }, bufferIo()), 0);
    t.is(await runCommand({ ...runOpts(l, out), failOn: 'high' }, bufferIo()), 1);
  });
});

e2e('healthy: the handshake is in the pcap and the probe got an HTTP answer', async (t) => {
  await withLab(t, 'healthy', 21, async (l, out) => {
    const io = bufferIo();
    t.is(await runCommand(runOpts(l, out), io), 0, io.stderr.join('\n'));
    const { dir, report } = latest(out, 'pve');
    t.is(report.status, 'complete');
    t.regex(readFileSync(join(dir, 'evidence/probes/traefik-to-portainer.curl.txt'), 'utf8'), /< HTTP\/1\.[01] 200/);
    t.regex(packets(dir), /10\.0\.0\.101\.443 > 10\.0\.0\.12\.\d+: Flags \[S\.\]/);
    const flow = probedFlow(report);
    t.is(flow?.observed?.probe?.phase, 'done');
    t.is(flow?.observed?.capture?.verdict, 'connected');
    t.is(flow?.simulated?.action, 'ACCEPT');
    t.is(report.rootCause, null, 'nothing is wrong: no root cause');
    t.like(answer(report, 'packets-dropped')?.reason, { code: 'flows-pass' });
    t.is(answer(report, 'packets-dropped')?.answer, 'no');
    t.false(report.findings.some((f) => f.checkId.startsWith('flow_') && f.subject === 'flow/traefik-to-portainer'));
  });
});

e2e('refused: the pcap shows the reset and curl exit 7', async (t) => {
  await withLab(t, 'refused', 22, async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { dir, report } = latest(out, 'pve');
    t.regex(readFileSync(join(dir, 'evidence/probes/traefik-to-portainer.curl.txt'), 'utf8'), /curl: \(7\)/);
    t.regex(packets(dir), /10\.0\.0\.101\.443 > 10\.0\.0\.12\.\d+: Flags \[R\.\]/);
    const flow = probedFlow(report);
    t.is(flow?.observed?.capture?.verdict, 'refused');
    t.is(flow?.observed?.probe?.phase, 'connect');
    t.is(flow?.observed?.probe?.exitCode, 7);
    t.is(report.rootCause?.layer, 'service');
    t.deepEqual(report.rootCause?.decidedBy, ACCEPT_443);
    t.like(report.rootCause?.reason, { code: 'service-refused', address: '10.0.0.101', port: 443 });
    t.is(answer(report, 'packets-dropped')?.answer, 'no');
    const f = report.findings.find((x) => x.checkId === 'flow_probe_fails_past_firewall');
    t.regex(f?.remediation.summary ?? '', /Start the service on VM 1001 .* No firewall change helps/);
  });
});

e2e('rejected: policy_in REJECT answers with a reset; the report blames 1001.fw policy_in', async (t) => {
  await withLab(t, 'rejected', 25, async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { dir, report } = latest(out, 'pve');
    t.is(report.status, 'complete');
    t.regex(readFileSync(join(dir, 'evidence/probes/traefik-to-portainer.curl.txt'), 'utf8'), /curl: \(7\)/);
    // PVEFW-reject answers a TCP SYN with a reset in the VM's name: on the wire it looks refused.
    t.regex(packets(dir), /10\.0\.0\.101\.443 > 10\.0\.0\.12\.\d+: Flags \[R\.\]/);
    const flow = probedFlow(report);
    t.is(flow?.observed?.capture?.verdict, 'refused');
    t.is(flow?.observed?.probe?.phase, 'connect');
    t.is(flow?.observed?.probe?.exitCode, 7);
    t.is(flow?.simulated?.action, 'REJECT');
    t.is(report.rootCause?.layer, 'firewall');
    t.deepEqual(report.rootCause?.decidedBy, {
      kind: 'policy',
      file: 'firewall/1001.fw',
      line: 4,
      text: 'policy_in: REJECT',
    });
    // The REJECT decides, but the rule meant to allow it sits in cluster.fw: that is the cause.
    t.like(report.rootCause?.reason, {
      code: 'rule-wrong-file',
      file: 'firewall/cluster.fw',
      vmid: 1001,
      side: 'destination',
    });
    t.is(answer(report, 'packets-dropped')?.answer, 'yes');
    t.regex(
      answer(report, 'packets-dropped')?.because ?? '',
      /^traefik-to-portainer is rejected: .*VM 1001's inbound policy/,
    );
    t.false(report.findings.some((f) => f.checkId === 'flow_probe_fails_past_firewall'));
  });
});

e2e('tls: curl reaches the server and fails certificate verification (exit 60)', async (t) => {
  await withLab(t, 'tls', 23, async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { dir, report } = latest(out, 'pve');
    t.regex(readFileSync(join(dir, 'evidence/probes/traefik-to-portainer.curl.txt'), 'utf8'), /curl: \(60\)/);
    const flow = probedFlow(report);
    t.is(flow?.observed?.probe?.phase, 'tls');
    t.is(flow?.observed?.probe?.exitCode, 60);
    t.is(flow?.observed?.capture?.verdict, 'connected');
    t.is(report.rootCause?.layer, 'tls');
    t.deepEqual(report.rootCause?.decidedBy, ACCEPT_443);
    t.like(report.rootCause?.reason, { code: 'tls-untrusted', server: 'VM 1001', cacert: '/ssl/phoenix_ca.crt' });
    t.is(answer(report, 'packets-dropped')?.answer, 'no');
    // The remediation is about the certificate and the CA, and touches no firewall file.
    const f = report.findings.find((x) => x.checkId === 'flow_probe_fails_past_firewall');
    t.regex(f?.remediation.summary ?? '', /issued by the CA in \/ssl\/phoenix_ca\.crt.*No firewall change helps/);
    t.is(f?.remediation.patch, null);
    t.deepEqual(f?.remediation.commands, []);
  });
});

e2e('nonpve: one E_NOT_PROXMOX line, exit 2, and still an incomplete report', async (t) => {
  await withLab(t, 'nonpve', 24, async (l, out) => {
    const io = bufferIo();
    t.is(await runCommand(runOpts(l, out), io), 2);
    t.deepEqual(
      io.stderr.filter((s) => s.startsWith('pveaudit:')),
      ['pveaudit: E_NOT_PROXMOX: pve: pct: command not found: this host does not look like a Proxmox node'],
    );
    const { report } = latest(out, 'pve');
    t.is(report.status, 'incomplete');
    t.true(
      report.incompleteSteps.some((m) => m.step === 'pct-list' && /does not look like a Proxmox node/.test(m.reason)),
    );
    for (const a of report.answers) {
      t.is(a.answer, 'unknown', a.question);
      t.regex(a.because, /does not look like a Proxmox node: pct-list exited 127 \(command not found\)/, a.question);
      t.like(a.reason, { code: 'not-proxmox', step: 'pct-list', exitCode: 127 }, a.question);
    }
    t.false(report.findings.some((f) => f.outcome === 'fail'));
    t.true(report.findings.every((f) => f.severity === 'info'));
    t.deepEqual(await leftovers(l, null), { tcpdump: '', files: '' });
  });
});
