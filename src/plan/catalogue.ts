import type { AuditFile, Probe } from '../schema/audit.js';
import { joinArgv } from './quote.js';
import { PID_TOKEN, type PlanStep, TMPDIR_TOKEN } from './types.js';

// The fixed catalogue of read-only steps. Every command is built from argv with each value quoted,
// and runs under timeout(1) on the node, so nothing outlives its step even if the connection drops.

const KILL_AFTER = 5;

export function timed(timeoutSec: number, argv: readonly (string | number)[], suffix = ''): string {
  return `${joinArgv(['timeout', `--kill-after=${KILL_AFTER}`, timeoutSec, ...argv])}${suffix}`;
}

type Phase = PlanStep['phase'];

export function commandStep(id: string, phase: Phase, timeoutSec: number, argv: string[]): PlanStep {
  return { id, kind: 'command', phase, command: timed(timeoutSec, argv), timeoutSec, readOnly: true };
}

// A file below /etc/pve, read with cat (pmxcfs is a FUSE mount: a hung read is bounded by timeout).
export function fileStep(phase: Phase, remote: string, pvePath: string): PlanStep {
  return {
    id: `pve/${pvePath}`,
    kind: 'file',
    phase,
    command: timed(10, ['cat', '--', `/etc/pve/${remote}`]),
    timeoutSec: 10,
    readOnly: true,
    pvePath,
  };
}

export function factSteps(): PlanStep[] {
  return [
    commandStep('hostname', 'facts', 10, ['hostname']),
    sweepStep(),
    commandStep('pveversion', 'facts', 20, ['pveversion']),
    commandStep('pve-firewall-status', 'facts', 20, ['pve-firewall', 'status']),
    commandStep('pve-firewall-localnet', 'facts', 20, ['pve-firewall', 'localnet']),
    commandStep('pct-list', 'facts', 20, ['pct', 'list']),
    commandStep('qm-list', 'facts', 20, ['qm', 'list']),
    fileStep('facts', 'firewall/cluster.fw', 'firewall/cluster.fw'),
    // /etc/pve/local is this node's directory; stored under nodes/<node>/ once the name is known.
    fileStep('facts', 'local/host.fw', 'local/host.fw'),
    fileStep('facts', 'corosync.conf', 'corosync.conf'),
  ];
}

export function guestSteps(vmid: number, type: 'lxc' | 'qemu' | 'unknown', node: string): PlanStep[] {
  const fw = fileStep('guests', `firewall/${vmid}.fw`, `firewall/${vmid}.fw`);
  if (type === 'unknown') return [fw, commandStep(`pct-config-${vmid}`, 'guests', 20, ['pct', 'config', String(vmid)])];
  const dir = type === 'lxc' ? 'lxc' : 'qemu-server';
  const tool = type === 'lxc' ? 'pct' : 'qm';
  const conf = `nodes/${node}/${dir}/${vmid}.conf`;
  return [
    fw,
    fileStep('guests', conf, conf),
    commandStep(`${tool}-config-${vmid}`, 'guests', 20, [tool, 'config', String(vmid)]),
  ];
}

export function rulesetStep(nftables: boolean): PlanStep {
  return nftables
    ? commandStep('nft-list-ruleset', 'ruleset', 30, ['nft', 'list', 'ruleset'])
    : commandStep('iptables-save', 'ruleset', 30, ['iptables-save', '-c']);
}

// The same nftables ruleset as JSON (libnftables-json(5)), with rule handles: what the live walk reads.
export function nftJsonStep(): PlanStep {
  return commandStep('nft-json-ruleset', 'ruleset', 30, ['nft', '-j', 'list', 'ruleset']);
}

// The live ruleset the kernel enforces, all read-only: iptables-save -c (with counters, read again
// after the probes), the ipsets its rules name, the IPv6 table and the layer-2 filter (ebtables);
// with nftables: 1, nft's ruleset
// as text (for the reader) and as JSON (for the walk).
export function rulesetSteps(nftables: boolean): PlanStep[] {
  if (nftables) return [rulesetStep(true), nftJsonStep()];
  return [
    rulesetStep(false),
    commandStep('ip6tables-save', 'ruleset', 30, ['ip6tables-save', '-c']),
    commandStep('ipset-save', 'ruleset', 30, ['ipset', 'save']),
    commandStep('ebtables-save', 'ruleset', 30, ['ebtables-save']),
  ];
}

// After the probes: the same counters again, so the rules the probes' packets hit can be measured.
export function countersStep(): PlanStep {
  return commandStep('iptables-save-after', 'counters', 30, ['iptables-save', '-c']);
}

// The tcpdump filter: two hosts mean the conversation between them; one or more than two, any of them.
export function captureFilter(hosts: string[]): string[] {
  if (hosts.length === 2) return ['host', hosts[0] as string, 'and', 'host', hosts[1] as string];
  return hosts.flatMap((h, i) => (i === 0 ? ['host', h] : ['or', 'host', h]));
}

export function captureSteps(capture: NonNullable<AuditFile['capture']>): { start: PlanStep[]; stop: PlanStep[] } {
  const { bridge } = capture;
  const pcap = `${TMPDIR_TOKEN}/capture.pcap`;
  const log = `${TMPDIR_TOKEN}/tcpdump.err`;
  const pidFile = `${TMPDIR_TOKEN}/tcpdump.pid`;
  const step = (id: string, phase: Phase, command: string, timeoutSec = 10): PlanStep => ({
    id,
    kind: 'capture',
    phase,
    command,
    timeoutSec,
    readOnly: true,
  });
  // nohup + redirections + & so the part returns at once; $! is timeout's PID, which forwards SIGINT
  // to tcpdump, and is also kept in the directory for a cleanup that never saw it (an interrupted
  // start). The capture is bounded on the node by timeout and by -c.
  const tcpdump = [
    'nohup',
    ...['timeout', `--kill-after=${KILL_AFTER}`, capture.seconds],
    ...['tcpdump', '-i', bridge, '-n', '--immediate-mode', '-U', '-c', capture.maxPackets, '-w', pcap],
    ...captureFilter(capture.hosts),
  ];
  // The three start steps run as one chained batch (collect/capture.ts): the directory's name is
  // chosen by pveaudit, so nothing has to come back from the node before tcpdump starts.
  return {
    start: [
      step('capture-tmpdir', 'capture-start', timed(10, ['sh', '-c', MKDIR_SCRIPT])),
      step(
        'capture-start',
        'capture-start',
        `${joinArgv(tcpdump)} > ${log} 2>&1 < /dev/null & echo $! > ${pidFile}; echo $!`,
      ),
      step(
        'capture-listening',
        'capture-start',
        timed(LISTEN_WAIT + 2, ['sh', '-c', waitListening(log)]),
        LISTEN_WAIT + 2,
      ),
    ],
    // The stop steps and the cleanup run as one batch (one round trip, see collect/batch.ts); each is
    // still recorded on its own.
    stop: [
      // Only while tcpdump still runs: once it printed "packets captured" it is gone, and its PID
      // may belong to another process by now. Then up to 10 s for tcpdump to flush and say goodbye.
      step(
        'capture-stop',
        'capture-stop',
        timed(20, ['sh', '-c', `${capturedFn(log)} captured || kill -INT ${PID_TOKEN}; ${waitCaptured(10)}`]),
        20,
      ),
      step('capture-log', 'capture-stop', timed(10, ['cat', '--', log])),
      // the pcap comes back on stdout, byte for byte (no SFTP session: one round trip less)
      step('capture-download', 'capture-stop', timed(60, ['cat', '--', pcap]), 60),
    ],
  };
}

// tcpdump's last words ("1 packet captured", "3 packets captured") are in its log once it has flushed.
// Read by the shell itself: no process per poll.
const capturedFn = (log: string) =>
  `captured() { while IFS= read -r l; do case $l in *'packet captured'*|*'packets captured'*) return 0;; esac; done 2>/dev/null < ${log}; return 1; };`;
// Checked every 20 ms: tcpdump flushes within a few ms of SIGINT, and the run waits on this.
const waitCaptured = (seconds: number) =>
  `i=0; while [ $i -lt ${seconds * 50} ]; do captured && break; sleep 0.02; i=$((i+1)); done`;

// tcpdump says "listening on" once it has opened the bridge (tens of ms), or gives up with an error
// ("tcpdump: vmbr9: No such device exists"); polled every 20 ms with the shell's own read (no
// process per poll), for at most LISTEN_WAIT s. The log itself is the step's output.
const LISTEN_WAIT = 10;
const waitListening = (log: string) =>
  [
    // a cleanup that removed the directory meanwhile (an interrupted run) ends the wait at once
    `i=0; while [ $i -lt ${LISTEN_WAIT * 50} ] && [ -f ${log} ]; do`,
    `while IFS= read -r l; do case $l in *'listening on'*|*'tcpdump: '*|*' captured'*) i=x; break;; esac; done < ${log};`,
    '[ "$i" = x ] && break; sleep 0.02; i=$((i+1)); done;',
    `cat -- ${log}`,
  ].join(' ');

// Stops the capture gracefully (SIGINT to timeout(1)'s process group, which it leads: tcpdump flushes,
// prints "packets captured" and is reaped by timeout, leaving no zombie), SIGKILL only as a fallback,
// then removes the run's directory. Every part is idempotent: it also runs after a normal stop.
// `env kill`: the shell's builtin kill may not take `--`.
export function cleanupCommand(withPid: boolean): string {
  const log = `${TMPDIR_TOKEN}/tcpdump.err`;
  // Signals go out only while tcpdump has not said goodbye: after "packets captured" the process
  // group is gone and its number may have been reused by something else on the node.
  const stop = [
    'env kill -INT -- -$p 2>/dev/null',
    waitCaptured(3),
    'sleep 0.1',
    'captured || env kill -KILL -- -$p 2>/dev/null',
  ];
  // Without the PID from the start step (it was interrupted), the one the start wrote next to the log.
  const pid = withPid
    ? `p=${PID_TOKEN};`
    : `p=; read -r p < ${TMPDIR_TOKEN}/tcpdump.pid 2>/dev/null; case $p in ''|*[!0-9]*|0|1) p=;; esac;`;
  const guarded = `[ -z "$p" ] || captured || { ${stop.join('; ')}; }`;
  // Only a directory carrying pveaudit's marker is removed: the name was chosen before the node
  // confirmed creating it.
  const owned = `[ -f ${TMPDIR_TOKEN}/${CAPTURE_MARKER} ] && [ ! -L ${TMPDIR_TOKEN} ]`;
  const script = `${capturedFn(log)} ${pid} ${owned} || exit 0; ${guarded}; rm -rf -- ${TMPDIR_TOKEN}`;
  return timed(20, ['sh', '-c', script]);
}

// Marks a capture directory as pveaudit's own, with the SSH session that owns it: the sshd process
// above this shell, by PID and start time (field 22 of /proc/PID/stat), so a reused PID never counts.
// Writing the marker is also the first write to the node's /tmp: a full /tmp fails here, by name.
export const CAPTURE_MARKER = '.pveaudit-capture';
// /proc/$p/stat's fields after "pid (comm) " in $1 $2 ..., read by the shell itself (no process per
// step: the directory is on the way to the probes); the pattern drops up to the last ") " (a command
// name may contain ") ").
// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a JS template
const STAT_FIELDS = 's=; read -r s 2>/dev/null < /proc/$p/stat && s=${s##*") "} && set -- $s';
// mkdir -m 700 of a name pveaudit drew at random (fillTokens checks it): like mktemp -d, it fails
// rather than use anything that already exists, symlinks included.
const MKDIR_SCRIPT = [
  `d=${TMPDIR_TOKEN}; mkdir -m 700 -- "$d" || exit 1;`,
  'p=$$;',
  'while [ "$p" -gt 1 ]; do c=; read -r c 2>/dev/null < /proc/$p/comm; case "$c" in sshd*) break;; esac;',
  `${STAT_FIELDS} || break; p=$2; done;`,
  `${STAT_FIELDS};`,
  `printf 'pveaudit capture directory\\nsshd %s %s\\n' "$p" "\${20}" > "$d/${CAPTURE_MARKER}" || { rm -rf -- "$d"; exit 1; };`,
  'echo "$d"',
].join(' ');

// At the start of every run: removes what a killed earlier run left on the node, and nothing else.
// Only directories carrying pveaudit's marker, owned by this user, whose owning SSH session is gone
// (a concurrent run's session is alive, so its directory stays); a capture still running there is
// stopped first (matched by the exact -w path on its command line, so no other process is touched).
// Each directory costs no process unless it is stale: the marker and /proc/PID/stat are read by the
// shell itself, so a node with many capture directories (concurrent runs) is swept in milliseconds. A
// stale capture is stopped by the PID its run kept (checked against its command line first), or, for
// a directory without one, by scanning every process for the exact -w path.
const SWEEP_SCRIPT = [
  'for d in /tmp/pveaudit.??????; do',
  `m="$d/${CAPTURE_MARKER}";`,
  '{ [ -d "$d" ] && [ ! -L "$d" ] && [ -f "$m" ] && [ ! -L "$m" ] && [ -O "$m" ]; } || continue;',
  'w=; p=; t=; x=; { read -r w; read -r w p t x; } 2>/dev/null < "$m";',
  '{ [ "$w" = sshd ] && [ -z "$x" ]; } || continue; case "$p:$t" in *[!0-9:]*|:*|*:) continue;; esac;',
  `${STAT_FIELDS} && [ "\${20}" = "$t" ] && continue;`,
  'q=; read -r q 2>/dev/null < "$d/tcpdump.pid"; case "$q" in ""|*[!0-9]*|0|1) q=$(cd /proc && echo [0-9]*);; esac;',
  `for q in $q; do case "$(tr '\\000' ' ' < /proc/$q/cmdline 2>/dev/null)" in`,
  '*" -w $d/capture.pcap "*) kill -INT $q 2>/dev/null; sleep 0.5; kill -KILL $q 2>/dev/null;;',
  'esac; done;',
  'rm -rf -- "$d" && echo "removed $d (left by an earlier run whose connection is gone)";',
  'done; true',
].join(' ');

export function sweepStep(): PlanStep {
  return {
    id: 'sweep',
    kind: 'command',
    phase: 'facts',
    command: timed(30, ['sh', '-c', SWEEP_SCRIPT]),
    timeoutSec: 30,
    readOnly: true,
  };
}

export function cleanupStep(): PlanStep {
  return {
    id: 'cleanup',
    kind: 'command',
    phase: 'cleanup',
    command: cleanupCommand(true),
    timeoutSec: 20,
    readOnly: true,
  };
}

export function probeStep(p: Probe): PlanStep {
  // --max-time bounds curl itself: inside a VM the guest agent stops waiting, but not curl.
  const curl: (string | number)[] = [
    'curl',
    '-v',
    '--connect-timeout',
    p.connectTimeout,
    '--max-time',
    p.connectTimeout + 15,
  ];
  if (p.cacert) curl.push('--cacert', p.cacert);
  if (p.resolve) curl.push('--resolve', p.resolve);
  curl.push(p.url);
  // curl's own phases can outlast --connect-timeout (TLS, HTTP): leave them room, then stop it.
  const timeoutSec = p.connectTimeout + 25;
  const base = {
    id: `probe-${p.name}`,
    kind: 'probe' as const,
    phase: 'probes' as const,
    timeoutSec,
    readOnly: true as const,
  };
  if (p.from === 'host') {
    return { ...base, command: timed(timeoutSec, curl, ' 2>&1'), probe: { name: p.name, via: 'host' } };
  }
  const vmid = p.from.slice(2);
  if (p.from.startsWith('ct')) {
    return {
      ...base,
      command: timed(timeoutSec, ['pct', 'exec', vmid, '--', ...curl], ' 2>&1'),
      probe: { name: p.name, via: 'pct' },
    };
  }
  // qm guest exec returns JSON (exitcode, out-data, err-data); the guest agent enforces its own timeout.
  const argv = ['qm', 'guest', 'exec', vmid, '--timeout', p.connectTimeout + 20, '--', ...curl];
  return { ...base, command: timed(timeoutSec, argv), probe: { name: p.name, via: 'qm' } };
}

const TMPDIR_RE = /^\/tmp\/pveaudit\.[A-Za-z0-9]{6}$/;
// never 1: `kill -- -1` would signal every process on the node
const PID_RE = /^([2-9]|[1-9][0-9]{1,9})$/;

// Puts the node's run-time values into a capture step's command, after checking them as strictly as
// every other value: only a directory name of mktemp's shape and a PID from $! are accepted.
export function fillTokens(command: string, values: { dir?: string | null; pid?: string | null }): string {
  let out = command;
  if (out.includes(TMPDIR_TOKEN)) {
    if (!values.dir || !TMPDIR_RE.test(values.dir)) throw new Error(`not a pveaudit temp dir: ${values.dir}`);
    out = out.split(TMPDIR_TOKEN).join(values.dir);
  }
  if (out.includes(PID_TOKEN)) {
    if (!values.pid || !PID_RE.test(values.pid)) throw new Error(`not a PID: ${values.pid}`);
    out = out.split(PID_TOKEN).join(values.pid);
  }
  return out;
}

export const isPid = (s: string) => PID_RE.test(s);
