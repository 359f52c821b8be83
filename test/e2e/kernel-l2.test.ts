import test from 'ava';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import type { Report } from '../../src/schema/report.js';
import { latest, runOpts, skipWhy, withLab } from './helpers.js';

// Layer 2 end to end: the lab loads pve-firewall's ebtables ruleset (real ebtables, nf_tables) and
// the audit reads it back with ebtables-save. Lab index 40, prefix pa-h10n-40.
const e2e = skipWhy ? test.skip : test.serial;
const probed = (r: Report) => r.flows.find((f) => f.name === 'traefik-to-portainer');

e2e(
  "arpfilter: VM 1001's ARP replies die in ebtables; the files and iptables accept, the kernel's layer 2 drops",
  async (t) => {
    await withLab(
      t,
      'arpfilter',
      40,
      async (l, out) => {
        t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
        const { report, manifest } = latest(out, 'pve');
        t.true(manifest.steps.some((s) => s.id === 'ebtables-save' && s.exitCode === 0));
        const flow = probed(report);
        t.is(flow?.simulated?.action, 'ACCEPT');
        // the probe never got a SYN out: no ARP answer, no route to the host
        t.is(flow?.observed?.probe?.phase, 'connect');
        t.like(flow?.live, {
          action: 'DROP',
          chain: 'ebtables tap1001i0-OUT-ARP',
          rule: 2,
          text: '-A tap1001i0-OUT-ARP -j DROP',
          reason: { code: 'arp-filtered', frame: 'arp-reply' },
        });
        t.is(report.rootCause?.layer, 'firewall');
        t.like(report.rootCause?.reason, { code: 'live-differs', filter: 'arp-filtered' });
        t.like(
          report.answers.find((a) => a.question === 'packets-dropped'),
          { answer: 'yes' },
        );
        // iptables holds exactly what the configuration compiles to (ipfilter included)
        t.deepEqual(report.drift ?? [], []);
      },
      'pa-h10n-40',
    );
  },
);
