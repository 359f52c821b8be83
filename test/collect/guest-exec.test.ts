import test from 'ava';
import { decodeGuestExec, probeDidNotRun } from '../../src/collect/steps.js';
import { parseCurlVerbose } from '../../src/parse/curl.js';

// What `qm guest exec 1001 -- curl -v ...` prints: the agent's JSON, pretty-printed by qm.
const TIMED_OUT = `{
   "err-data" : "*   Trying 10.0.0.101:443...\\n* ipv4 connect timeout after 3000ms\\n* Closing connection 0\\ncurl: (28) Failed to connect to 10.0.0.101 port 443 after 3001 ms: Timeout was reached\\n",
   "exitcode" : 28,
   "exited" : 1
}
`;

test("qm guest exec JSON gives curl's output and exit code, which parse like pct exec output", (t) => {
  const decoded = decodeGuestExec(TIMED_OUT);
  t.is(decoded?.exitCode, 28);
  t.regex(decoded?.text ?? '', /^\* {3}Trying 10\.0\.0\.101:443/);
  const curl = parseCurlVerbose(decoded!.text, { file: 'probes/x.curl.txt', exitCode: decoded!.exitCode });
  t.is(curl.phase, 'connect');
});

test('a command still running when the agent gave up has no exit code; non-JSON is refused', (t) => {
  t.deepEqual(decodeGuestExec('{ "exited" : 0 }'), { text: '', exitCode: null });
  t.is(decodeGuestExec('No QEMU guest agent configured'), null);
  t.is(decodeGuestExec('null'), null);
});

test('a probe that never sent a packet is told apart from one that failed to connect', (t) => {
  t.regex(
    probeDidNotRun("Configuration file 'nodes/pve/lxc/999.conf' does not exist\n") ?? '',
    /did not run: nodes\/pve\/lxc\/999\.conf does not exist/,
  );
  t.regex(probeDidNotRun("curl: (49) Couldn't parse CURLOPT_RESOLVE entry 'x:99999:10.0.0.101'\n") ?? '', /exit 49/);
  t.regex(probeDidNotRun('curl: (3) URL using bad/illegal format or missing URL\n') ?? '', /exit 3/);
  t.is(
    probeDidNotRun('curl: (28) Failed to connect to 10.0.0.101 port 443 after 3001 ms: Timeout was reached\n'),
    null,
  );
  t.is(
    probeDidNotRun("curl: (7) Failed to connect to 10.0.0.101 port 443 after 0 ms: Couldn't connect to server\n"),
    null,
  );
});
