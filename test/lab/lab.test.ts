import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import { type ExecResult, type Lab, labAvailable, labUp, sshArgs } from './lab.js';

// Brings up lab scenarios and checks them over a real OpenSSH connection, the way pveaudit sees a node.

const avail = labAvailable();
const labTest = avail.ok ? test : test.skip;
if (!avail.ok) console.log(`lab tests skipped: ${avail.why}`);

const expected = (name: string) => readFileSync(new URL(`./expected/${name}`, import.meta.url), 'utf8');

function sh(file: string, args: string[]): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const ssh = (lab: Lab, cmd: string) => sh('ssh', [...sshArgs(lab), cmd]);

const LAB = fileURLToPath(new URL('.', import.meta.url));
const withoutQmPid = (text: string) => text.replace(/^( +\d+ .{20} running +\d+ +[\d.]+ )\d+ *$/gm, '$1<pid>');

const PROBE =
  'pct exec 102 -- curl -sS -o /dev/null -w "%{http_code}" --connect-timeout 3 --cacert /ssl/phoenix_ca.crt ' +
  '--resolve portainer.internal.thinkheads.ai:443:10.0.0.101 https://portainer.internal.thinkheads.ai';

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    return false;
  }
}

// Runs body against a fresh lab, then takes it down and proves nothing of it is left.
async function withLab(
  t: ExecutionContext,
  scenario: string,
  prefix: string,
  index: number,
  body: (lab: Lab) => Promise<void>,
) {
  const lab = await labUp(scenario, { prefix, index });
  const env = readFileSync(`${lab.stateDir}/lab.env`, 'utf8');
  const pids = [...env.matchAll(/(?:_PID=|:)(\d+)/g)].map((m) => Number(m[1]));
  try {
    await body(lab);
  } finally {
    const inNs = await sh('ip', ['netns', 'pids', lab.nodeNamespace]);
    pids.push(...inNs.stdout.split('\n').filter(Boolean).map(Number));
    await lab.down();
  }
  const ns = await sh('ip', ['netns', 'list']);
  t.false(
    ns.stdout.split('\n').some((l) => l.startsWith(`${prefix}-`)),
    'a namespace is left',
  );
  const links = await sh('ip', ['-o', 'link', 'show']);
  t.false(links.stdout.includes(`${prefix}-m`), 'the management veth is left');
  t.deepEqual(pids.filter(alive), [], 'a lab process is left');
  t.false(existsSync(lab.stateDir), 'the state dir is left');
}

labTest('seed: configs, firewall status and the live ruleset read like Proxmox over SSH', async (t) => {
  await withLab(t, 'seed', 'pa-lt-seed', 40, async (lab) => {
    const pct = await ssh(lab, 'pct config 102');
    t.is(pct.code, 0, pct.stderr);
    t.is(pct.stdout, expected('pct-config-102.txt'));
    const qm = await ssh(lab, 'qm config 1001');
    t.is(qm.stdout, expected('qm-config-1001.txt'));
    t.is((await ssh(lab, 'pve-firewall status')).stdout, 'Status: enabled/running\n');
    t.is((await ssh(lab, 'hostname')).stdout, 'pve\n');
    t.is((await ssh(lab, 'pveversion')).stdout, 'pve-manager/8.2.4/faa83925c9641325 (running kernel: 6.8.8-2-pve)\n');
    const missing = await ssh(lab, 'pct config 999');
    t.is(missing.code, 2);
    t.is(missing.stderr, "Configuration file 'nodes/pve/lxc/999.conf' does not exist\n");
    t.regex(
      (await ssh(lab, 'pct list')).stdout,
      /^VMID {7}Status {5}Lock {9}Name {16}\n(.*\n)?102 {8}running {17}traefik {13}$/m,
    );
    // The node runs the stand-ins as standins.test.ts's look-alike namespaces do, to the byte; only
    // VM 1001's pid in `qm list` is the kernel's choice.
    const cases = await lab.nodeExec(`bash ${LAB}/standins/transcript.sh cases ${lab.stateDir}`, {
      timeoutMs: 120_000,
    });
    t.is(cases.stderr, '');
    t.is(withoutQmPid(cases.stdout), withoutQmPid(expected('standins/seed.txt')));
    const agent = await ssh(lab, 'qm guest exec 1001 -- hostname');
    t.deepEqual(JSON.parse(agent.stdout), { exitcode: 0, exited: 1, 'out-data': 'portainer\n' });

    const rules = (await ssh(lab, 'iptables-save')).stdout;
    t.true(
      rules.includes('-A PVEFW-FWBR-IN -m physdev --physdev-out tap1001i0 --physdev-is-bridged -j tap1001i0-IN\n'),
    );
    t.true(
      rules.includes('-A PVEFW-FWBR-OUT -m physdev --physdev-in veth102i0 --physdev-is-bridged -j veth102i0-OUT\n'),
    );
    for (const chain of ['tap1001i0-IN', 'tap1001i0-OUT', 'veth102i0-IN', 'veth102i0-OUT'])
      t.true(rules.includes(`:${chain} - `), chain);
    t.regex(rules, /-A tap1001i0-IN -m comment --comment "PVESIG:[A-Za-z0-9+/]{27}"/);

    // The CA exists in CT 102's view only.
    t.false(existsSync('/ssl'));
    t.is((await ssh(lab, 'pct exec 102 -- cat /ssl/phoenix_ca.crt')).stdout, readFileSync(lab.caCert, 'utf8'));
    t.is((await lab.nodeExec('ls /etc/pve/firewall')).stdout, '1001.fw\n102.fw\n103.fw\ncluster.fw\n');
  });
});

labTest('seed: the SYNs to 443 are dropped silently, and tcpdump on vmbr0 sees them', async (t) => {
  await withLab(t, 'seed', 'pa-lt-drop', 41, async (lab) => {
    const script = [
      'd=$(mktemp -d)',
      'tcpdump -i vmbr0 -n -l --immediate-mode host 10.0.0.12 and host 10.0.0.101 >$d/out 2>$d/err & p=$!',
      'for i in $(seq 50); do grep -q "listening on" $d/err && break; sleep 0.1; done',
      'pct exec 102 -- curl -v --connect-timeout 3 --cacert /ssl/phoenix_ca.crt --resolve portainer.internal.thinkheads.ai:443:10.0.0.101 https://portainer.internal.thinkheads.ai 2>$d/curl',
      'echo "curl=$?"',
      'sleep 0.3; kill -INT $p; wait $p; cat $d/out; cat $d/curl; rm -r $d',
    ].join('\n');
    const r = await ssh(lab, script);
    t.regex(r.stdout, /^curl=28$/m);
    t.regex(r.stdout, /Timeout was reached/);
    const syns = r.stdout.split('\n').filter((l) => / 10\.0\.0\.12\.\d+ > 10\.0\.0\.101\.443: Flags \[S\]/.test(l));
    t.true(syns.length >= 3, r.stdout);
    t.false(/Flags \[S\.\]/.test(r.stdout));
  });
});

labTest('healthy: curl from CT 102 gets 200 with a verified certificate', async (t) => {
  await withLab(t, 'healthy', 'pa-lt-ok', 42, async (lab) => {
    const r = await ssh(lab, PROBE);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, '200');
  });
});

for (const [scenario, index, code, why] of [
  ['refused', 43, 7, /Couldn't connect to server/],
  ['rejected', 44, 7, /Couldn't connect to server/],
  ['tls', 45, 60, /SSL certificate problem/],
] as const) {
  labTest(`${scenario}: curl from CT 102 exits ${code}`, async (t) => {
    await withLab(t, scenario, `pa-lt-${scenario.slice(0, 6)}`, index, async (lab) => {
      const r = await ssh(lab, PROBE);
      t.is(r.code, code, r.stderr);
      t.regex(r.stderr, why);
    });
  });
}

labTest('nonpve: no Proxmox commands and no /etc/pve', async (t) => {
  await withLab(t, 'nonpve', 'pa-lt-plain', 46, async (lab) => {
    const r = await ssh(lab, 'pct config 102');
    t.is(r.code, 127);
    t.regex(r.stderr, /pct: command not found/);
    t.is((await ssh(lab, 'test -e /etc/pve; echo $?')).stdout, '1\n');
  });
});

labTest('up twice in a row with the same prefix replaces the first lab', async (t) => {
  const first = await labUp('seed', { prefix: 'pa-lt-twice', index: 47 });
  const firstSshd = first.sshdPid;
  await withLab(t, 'healthy', 'pa-lt-twice', 47, async (lab) => {
    t.false(alive(firstSshd));
    t.is((await ssh(lab, PROBE)).stdout, '200');
  });
});
