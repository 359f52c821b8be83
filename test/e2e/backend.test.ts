import test from 'ava';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import { latest, runOpts, skipWhy, withLab } from './helpers.js';

// The iptables ruleset is read ahead of host.fw (Proxmox's default backend): on a node whose host.fw
// says nftables: 1 that read is dropped, unrecorded, and nft's own reads take its place. Lab index 38.

const e2e = skipWhy ? test.skip : test.serial;
const IPTABLES_FAMILY = ['iptables-save', 'ip6tables-save', 'ipset-save', 'ebtables-save', 'iptables-save-after'];

e2e('host.fw with nftables: 1: nft is read, the iptables read made ahead is not in the manifest', async (t) => {
  await withLab(t, 'seed', 38, async (l, out) => {
    const edit = await l.nodeExec(
      "sed -i 's/^enable: 1$/enable: 1\\nnftables: 1/' /etc/pve/local/host.fw && cat /etc/pve/local/host.fw",
    );
    t.regex(edit.stdout, /^nftables: 1$/m, edit.stderr);
    const code = await runCommand(runOpts(l, out), bufferIo());
    t.true(code <= 2);
    const { manifest } = latest(out, 'pve');
    const ids = manifest.steps.map((s) => s.id);
    t.true(ids.includes('nft-list-ruleset'), ids.join(' '));
    t.true(ids.includes('nft-json-ruleset'));
    t.deepEqual(
      ids.filter((id) => IPTABLES_FAMILY.includes(id)),
      [],
    );
    t.deepEqual(
      manifest.plan.filter((s) => IPTABLES_FAMILY.includes(s.id)).map((s) => s.id),
      [],
    );
  });
});

e2e('host.fw without nftables: the read made ahead is kept, each part its own step with its command', async (t) => {
  await withLab(t, 'seed', 38, async (l, out) => {
    t.is(await runCommand(runOpts(l, out), bufferIo()), 0);
    const { manifest } = latest(out, 'pve');
    for (const id of IPTABLES_FAMILY) {
      const step = manifest.steps.find((s) => s.id === id);
      t.is(step?.exitCode, 0, id);
      t.is(step?.command, manifest.plan.find((s) => s.id === id)?.command);
    }
    t.false(manifest.steps.some((s) => s.id.startsWith('nft-')));
  });
});
