import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import { captureDir, latest, leftovers, runOpts, skipWhy, withLab } from './helpers.js';

const e2e = skipWhy ? test.skip : test.serial;

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
    const fp = execFileSync('ssh-keygen', ['-lf', l.knownHosts], { encoding: 'utf8' }).split(/\s+/)[1] ?? null;
    t.is(manifest.host.hostKeyFingerprint, fp);
    const curl = readFileSync(join(dir, 'evidence/probes/traefik-to-portainer.curl.txt'), 'utf8');
    t.regex(curl, /curl: \(28\)/);
    const syns = packets(dir)
      .split('\n')
      .filter((p) => /10\.0\.0\.12\.\d+ > 10\.0\.0\.101\.443: Flags \[S\]/.test(p));
    t.true(syns.length >= 2, 'retransmitted SYNs captured');
    t.is(report.rootCause?.decidedBy?.file, 'firewall/1001.fw');
    t.is(report.answers.find((a) => a.question === 'packets-dropped')?.answer, 'yes');
    const capture = captureDir(manifest);
    t.truthy(capture);
    t.deepEqual(await leftovers(l, capture), { tcpdump: '', files: '' });
    t.true(io.stdout.some((line) => line.startsWith('pve: complete,')));
    // the same audit with --fail-on: the seed's critical findings make it exit 1
    t.true(report.summary.critical > 0);
    t.is(await runCommand({ ...runOpts(l, out), failOn: 'critical' }, bufferIo()), 1);
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
    const flow = report.flows.find((f) => f.name === 'traefik-to-portainer');
    t.is(flow?.observed?.probe?.phase, 'done');
  });
});

e2e('refused: the pcap shows the reset and curl exit 7', async (t) => {
  await withLab(t, 'refused', 22, async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { dir, report } = latest(out, 'pve');
    t.regex(readFileSync(join(dir, 'evidence/probes/traefik-to-portainer.curl.txt'), 'utf8'), /curl: \(7\)/);
    t.regex(packets(dir), /10\.0\.0\.101\.443 > 10\.0\.0\.12\.\d+: Flags \[R\.\]/);
    t.is(report.flows.find((f) => f.name === 'traefik-to-portainer')?.observed?.capture?.verdict, 'refused');
  });
});

e2e('tls: curl reaches the server and fails certificate verification (exit 60)', async (t) => {
  await withLab(t, 'tls', 23, async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { dir, report } = latest(out, 'pve');
    t.regex(readFileSync(join(dir, 'evidence/probes/traefik-to-portainer.curl.txt'), 'utf8'), /curl: \(60\)/);
    t.is(report.flows.find((f) => f.name === 'traefik-to-portainer')?.observed?.probe?.phase, 'tls');
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
    t.deepEqual(await leftovers(l, null), { tcpdump: '', files: '' });
  });
});
