import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCommand } from '../../src/cli/commands/run.js';
import { bufferIo } from '../../src/cli/io.js';
import { type Lab, labUp } from '../lab/lab.js';
import { latest, skipWhy } from './helpers.js';

const e2e = skipWhy ? test.skip : test.serial;

// Two lab nodes in one Ansible inventory: one report directory and one summary line per host.
function inventory(labs: Record<string, Lab>, dir: string): { inventory: string; knownHosts: string } {
  const hosts = Object.entries(labs)
    .map(
      ([name, l]) =>
        `        ${name}:\n          ansible_host: ${l.host}\n          ansible_port: ${l.port}\n          ansible_ssh_private_key_file: ${l.privateKey}`,
    )
    .join('\n');
  const inv = join(dir, 'inventory.yml');
  writeFileSync(inv, `all:\n  vars:\n    ansible_user: root\n  children:\n    proxmox:\n      hosts:\n${hosts}\n`);
  const kh = join(dir, 'known_hosts');
  writeFileSync(
    kh,
    Object.values(labs)
      .map((l) => readFileSync(l.knownHosts, 'utf8'))
      .join(''),
  );
  return { inventory: inv, knownHosts: kh };
}

e2e('two nodes with --forks 2: a report per host, a summary line per host; --limit picks one', async (t) => {
  const a = await labUp('seed', { prefix: 'pa-e2e-29', index: 29 });
  const b = await labUp('healthy', { prefix: 'pa-e2e-19', index: 19 });
  try {
    const { inventory: inv, knownHosts } = inventory({ 'pve-a': a, 'pve-b': b }, a.stateDir);
    const out = join(a.stateDir, 'reports');
    const io = bufferIo();
    const started = Date.now();
    const code = await runCommand({ inventory: inv, audit: a.audit, knownHosts, out, format: 'json', forks: 2 }, io);
    t.is(code, 0, io.stderr.join('\n'));
    t.log(`two hosts in ${Date.now() - started} ms`);
    t.deepEqual(readdirSync(out).sort(), ['index.html', 'index.json', 'pve-a', 'pve-b']);
    // the fleet index, rewritten at the end of the run, lists both nodes, the failing one first
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as {
      hosts: { host: string; worst: string | null }[];
    };
    t.deepEqual(
      index.hosts.map((h) => h.host),
      ['pve-a', 'pve-b'],
    );
    t.truthy(index.hosts[0]?.worst);
    t.regex(readFileSync(join(out, 'index.html'), 'utf8'), /pve-a[\s\S]*pve-b/);
    t.is(latest(out, 'pve-a').report.rootCause?.decidedBy?.file, 'firewall/1001.fw');
    const probed = latest(out, 'pve-b').report.flows.find((f) => f.name === 'traefik-to-portainer');
    t.is(probed?.observed?.probe?.phase, 'done', 'the healthy node answered the probe');
    const summaries = io.stdout.filter((l) => /^pve-[ab]: complete,/.test(l));
    t.is(summaries.length, 2, io.stdout.join('\n'));
    // progress names each host's steps
    t.true(io.stderr.some((l) => l.startsWith('[pve-a] ')));
    t.true(io.stderr.some((l) => l.startsWith('[pve-b] ')));

    const limited = bufferIo();
    const out2 = join(a.stateDir, 'reports-limited');
    t.is(
      await runCommand(
        { inventory: inv, audit: a.audit, knownHosts, out: out2, format: 'json', limit: 'pve-b' },
        limited,
      ),
      0,
    );
    t.deepEqual(readdirSync(out2).sort(), ['index.html', 'index.json', 'pve-b']);
  } finally {
    await a.down();
    await b.down();
  }
});
