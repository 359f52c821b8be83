import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ava helper around lab.sh: bring a Proxmox-like lab node up in network namespaces, hand the test
// its inventory, audit file and SSH material, and take it down again.

const LAB_SH = fileURLToPath(new URL('./lab.sh', import.meta.url));

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Lab {
  scenario: string;
  prefix: string;
  index: number;
  stateDir: string;
  inventory: string;
  audit: string;
  intent: string;
  knownHosts: string;
  privateKey: string;
  caCert: string;
  /** The node's address on the management /30, e.g. 198.18.0.2. */
  host: string;
  port: number;
  nodeNamespace: string;
  sshdPid: number;
  /** Runs `bash -c cmd` as root inside the node: its network, mount (/etc/pve, stand-ins) and UTS namespaces. */
  nodeExec(cmd: string, opts?: { timeoutMs?: number }): Promise<ExecResult>;
  down(): Promise<void>;
}

export interface LabOptions {
  /** Namespace and link prefix, `pa-` + up to 10 of [a-z0-9-]; unique per concurrently running lab. */
  prefix?: string;
  /** Selects the management /30: root 198.18.0.(4N+1), node 198.18.0.(4N+2); 0..63, unique per running lab. */
  index?: number;
  stateDir?: string;
}

// A root login's PATH: the caller's may put node_modules/.bin (with an unrelated `nft`) first.
const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function run(file: string, args: string[], timeoutMs: number): Promise<ExecResult> {
  const env = { ...process.env, PATH: ROOT_PATH };
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}

function need(env: Record<string, string>, key: string): string {
  const v = env[key];
  if (v === undefined || v === '') throw new Error(`lab.env has no ${key}`);
  return v;
}

export async function labUp(scenario: string, opts: LabOptions = {}): Promise<Lab> {
  const prefix = opts.prefix ?? 'pa-lab';
  const index = opts.index ?? 0;
  const args = ['up', scenario, '--prefix', prefix, '--index', String(index)];
  if (opts.stateDir) args.push('--state', opts.stateDir);
  // A bound on a hung bring-up, not a speed test: seven labs coming up at once on two busy cores
  // take over a minute each.
  const up = await run('/bin/bash', [LAB_SH, ...args], 180_000);
  if (up.code !== 0) throw new Error(`lab.sh ${args.join(' ')} failed (exit ${up.code}): ${up.stderr.trim()}`);
  const stateDir = up.stdout.trim().split('\n').pop() ?? '';
  const env = parseEnv(readFileSync(join(stateDir, 'lab.env'), 'utf8'));
  const sshdPid = Number(need(env, 'SSHD_PID'));
  return {
    scenario,
    prefix,
    index,
    stateDir,
    inventory: need(env, 'INVENTORY'),
    audit: need(env, 'AUDIT'),
    intent: need(env, 'INTENT'),
    knownHosts: need(env, 'KNOWN_HOSTS'),
    privateKey: need(env, 'PRIVATE_KEY'),
    caCert: need(env, 'CA_CERT'),
    host: need(env, 'HOST'),
    port: Number(need(env, 'PORT')),
    nodeNamespace: need(env, 'NODE_NS'),
    sshdPid,
    nodeExec: (cmd, o) =>
      run(
        '/usr/bin/nsenter',
        ['-t', String(sshdPid), '-n', '-m', '-u', '--', '/bin/bash', '-c', cmd],
        o?.timeoutMs ?? 30_000,
      ),
    down: async () => {
      const r = await run('/bin/bash', [LAB_SH, 'down', '--prefix', prefix, '--state', stateDir], 30_000);
      if (r.code !== 0) throw new Error(`lab.sh down --prefix ${prefix} failed (exit ${r.code}): ${r.stderr.trim()}`);
    },
  };
}

/** OpenSSH client arguments that reach the lab node as root with the lab's key and known_hosts only. */
export function sshArgs(lab: Lab): string[] {
  return [
    '-F',
    '/dev/null',
    '-i',
    lab.privateKey,
    '-o',
    `UserKnownHostsFile=${lab.knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'ConnectTimeout=5',
    '-p',
    String(lab.port),
    `root@${lab.host}`,
  ];
}

function onPath(cmd: string): boolean {
  return ROOT_PATH.split(delimiter).some((d) => {
    try {
      accessSync(join(d, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const TOOLS = [
  'ip',
  'sshd',
  'ssh-keygen',
  'tcpdump',
  'curl',
  'nsenter',
  'unshare',
  'iptables-restore',
  'nft',
  'openssl',
  'python3',
];

/**
 * Whether this machine can run the lab (root and the tools lab.sh uses); `why` names what is missing.
 * With PVEAUDIT_REQUIRE_LAB=1 (set by scripts/test.sh, so in CI) a missing lab is an error rather
 * than a skip: the end-to-end tests must not vanish silently.
 */
export function labAvailable(): { ok: boolean; why?: string } {
  const result = check();
  if (!result.ok && process.env.PVEAUDIT_REQUIRE_LAB === '1') {
    throw new Error(`the lab is required (PVEAUDIT_REQUIRE_LAB=1) but cannot run: ${result.why}`);
  }
  return result;
}

function check(): { ok: boolean; why?: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'the lab needs root (network namespaces, iptables)' };
  const missing = TOOLS.filter((t) => !onPath(t));
  if (missing.length > 0) return { ok: false, why: `missing tools: ${missing.join(', ')}` };
  return { ok: true };
}
