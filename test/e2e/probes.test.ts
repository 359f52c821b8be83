import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import { latest, runOpts, skipWhy, withLab } from './helpers.js';

const e2e = skipWhy ? test.serial.skip : test.serial;

// Probes from a VM (qm guest exec: JSON from the guest agent) and from the node itself.
e2e('a VM probe runs through qm guest exec and a host probe on the node; both are analysed', async (t) => {
  await withLab(t, 'seed', 17, async (l, out) => {
    const audit = join(l.stateDir, 'audit-probes.yml');
    writeFileSync(
      audit,
      [
        'guests: [1001]',
        'probes:',
        '  - name: portainer-self',
        '    from: vm1001',
        '    url: https://10.0.0.101',
        '    connectTimeout: 3',
        '  - name: node-to-portainer',
        '    from: host',
        '    url: https://10.0.0.101',
        '    connectTimeout: 3',
        '',
      ].join('\n'),
    );
    const io = bufferIo();
    t.is(await runCommand({ ...runOpts(l, out), audit }, io), 0, io.stderr.join('\n'));
    const { dir, report, manifest } = latest(out, 'pve');

    // qm guest exec: the agent's JSON is kept, and curl's own output is decoded from it
    const raw = JSON.parse(readFileSync(join(dir, 'evidence/probes/portainer-self.guest-exec.json'), 'utf8'));
    t.is(raw.exitcode, 60);
    t.regex(readFileSync(join(dir, 'evidence/probes/portainer-self.curl.txt'), 'utf8'), /curl: \(60\)/);
    t.regex(manifest.steps.find((s) => s.id === 'probe-portainer-self')?.command ?? '', /qm guest exec 1001 --timeout/);
    const self = report.flows.find((f) => f.name === 'portainer-self');
    t.is(self?.observed?.probe?.phase, 'tls');
    t.is(self?.observed?.probe?.exitCode, 60);

    // the node's own probe crosses HOST-OUT and VM 1001's inbound policy: dropped, as curl saw
    const host = report.flows.find((f) => f.name === 'node-to-portainer');
    t.is(host?.from.zone, 'host');
    t.is(host?.simulated?.action, 'DROP');
    t.is(host?.simulated?.decidedBy.file, 'firewall/1001.fw');
    t.is(host?.observed?.probe?.phase, 'connect');
  });
});

// A probe that never ran observed nothing: the report is incomplete and blames no layer for it.
e2e('a probe from a guest that does not exist makes the report incomplete, not "dropped"', async (t) => {
  await withLab(t, 'fixed', 17, async (l, out) => {
    const audit = join(l.stateDir, 'audit-ghost.yml');
    writeFileSync(
      audit,
      readFileSync(l.audit, 'utf8')
        .replace('from: ct102', 'from: ct999')
        .replace('phoenix: phoenix', `phoenix: ${join(l.stateDir, 'phoenix')}`),
    );
    const io = bufferIo();
    t.is(await runCommand({ ...runOpts(l, out), audit }, io), 2, 'an incomplete audit exits 2');
    const { report } = latest(out, 'pve');
    t.is(report.status, 'incomplete');
    t.true(report.incompleteSteps.some((s) => /did not run: nodes\/pve\/lxc\/999\.conf does not exist/.test(s.reason)));
    const flow = report.flows.find((f) => f.name === 'traefik-to-portainer');
    t.is(flow?.observed?.probe ?? null, null, 'no curl result is read from a probe that did not run');
    t.not(report.rootCause?.layer, 'routing');
    t.notRegex(report.answers.find((a) => a.question === 'packets-dropped')?.because ?? '', /curl failed/);
  });
});
