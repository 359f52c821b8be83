import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parseCurlVerbose } from '../../src/parse/curl.js';
import { type CurlResult, CurlResultSchema } from '../../src/schema/observe.js';

// Real curl 7.88 outputs from test/fixtures/curl/make.sh (curl8-* are hand-written in 8.x wording).
const dir = fileURLToPath(new URL('../fixtures/curl/', import.meta.url));
const fixture = (name: string) => {
  const text = readFileSync(`${dir}${name}.txt`, 'utf8');
  const exitCode = Number(readFileSync(`${dir}${name}.exit`, 'utf8'));
  return { text, exitCode, result: parseCurlVerbose(text, { file: `probes/${name}.curl.txt`, exitCode }) };
};

const phases: [string, number, CurlResult['phase']][] = [
  ['ok-h2', 0, 'done'],
  ['ok-tls12-auth', 0, 'done'],
  ['http-basic', 0, 'done'],
  ['insecure', 0, 'done'],
  ['http-404', 22, 'http'],
  ['empty-reply', 52, 'http'],
  ['verify-unknown-ca', 60, 'tls'],
  ['verify-name-mismatch', 60, 'tls'],
  ['refused', 7, 'connect'],
  ['rejected-icmp', 7, 'connect'],
  ['timeout-literal', 28, 'connect'],
  ['timeout-resolve', 28, 'connect'],
  ['dns-fail', 6, 'dns'],
  ['curl8-ok', 0, 'done'],
  ['curl8-timeout', 28, 'connect'],
  ['curl8-refused', 7, 'connect'],
];

for (const [name, exit, phase] of phases)
  test(`${name}: exit ${exit} -> phase ${phase}, schema-valid, no issues`, (t) => {
    const { result, exitCode } = fixture(name);
    t.is(exitCode, exit);
    t.is(result.exitCode, exit);
    t.is(result.phase, phase);
    t.deepEqual(result.issues, []);
    t.true(CurlResultSchema.safeParse(result).success);
  });

test('HTTP/2 success via --resolve: address, TLS, certificate, status and -w timings', (t) => {
  const r = fixture('ok-h2').result;
  t.deepEqual(r.resolved, { host: 'portainer.internal.test', address: '10.0.0.101', via: 'resolve' });
  t.deepEqual(r.connectAttempts, [{ address: '10.0.0.101', port: 443, outcome: 'connected' }]);
  t.is(r.connectedTo, '10.0.0.101:443');
  t.is(r.tls?.version, 'TLSv1.3');
  t.is(r.tls?.cipher, 'TLS_AES_256_GCM_SHA384');
  t.is(r.tls?.subject, 'CN=portainer.internal.test');
  t.is(r.tls?.issuer, 'CN=pveaudit test CA');
  t.deepEqual(r.tls?.san, ['portainer.internal.test']);
  t.regex(r.tls?.expires ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  t.true(r.tls?.verified);
  t.is(r.httpStatus, 200);
  t.is(r.statusLine, 'HTTP/2 200');
  t.is(r.url, 'https://portainer.internal.test/');
  t.deepEqual(Object.keys(r.timings).sort(), [
    'time_appconnect',
    'time_connect',
    'time_namelookup',
    'time_starttransfer',
    'time_total',
  ]);
  t.true(r.timings.time_total! > 0);
});

test('TLS 1.2 and HTTP/1.1 status line with its reason', (t) => {
  const r = fixture('ok-tls12-auth').result;
  t.is(r.tls?.version, 'TLSv1.2');
  t.is(r.tls?.cipher, 'ECDHE-RSA-AES128-GCM-SHA256');
  t.is(r.statusLine, 'HTTP/1.1 404 Not Found');
  t.is(r.httpStatus, 404);
});

test('verification failures say why', (t) => {
  const ca = fixture('verify-unknown-ca').result;
  t.false(ca.tls?.verified);
  t.is(ca.tls?.verifyMessage, 'unable to get local issuer certificate');
  t.is(ca.error, 'curl: (60) SSL certificate problem: unable to get local issuer certificate');
  const name = fixture('verify-name-mismatch').result;
  t.false(name.tls?.verified);
  t.is(name.tls?.verifyMessage, 'subjectAltName does not match wrong.internal.test');
  const k = fixture('insecure').result;
  t.false(k.tls?.verified);
  t.regex(k.tls?.verifyMessage ?? '', /unable to get local issuer certificate.*insecure/);
  t.is(k.httpStatus, 200);
});

test('connect failures: refused and timeout, with the time curl waited', (t) => {
  const refused = fixture('refused').result;
  t.deepEqual(refused.connectAttempts, [{ address: '10.0.0.101', port: 8443, outcome: 'refused' }]);
  t.is(refused.connectedTo, null);
  t.is(refused.tls, null);
  t.deepEqual(refused.resolved, { host: '10.0.0.101', address: '10.0.0.101', via: 'literal' });
  const timeout = fixture('timeout-resolve').result;
  t.deepEqual(timeout.connectAttempts, [{ address: '10.0.0.101', port: 4443, outcome: 'timeout' }]);
  t.is(timeout.timings.connectTimeoutMs, 3000);
  t.true(timeout.timings.failedAfterMs! >= 3000);
  t.is(timeout.resolved?.via, 'resolve');
  t.regex(timeout.error ?? '', /Timeout was reached/);
});

test('DNS failure has no address', (t) => {
  const r = fixture('dns-fail').result;
  t.is(r.resolved, null);
  t.deepEqual(r.connectAttempts, []);
  t.regex(r.error ?? '', /Could not resolve host: portainer\.nonexistent\.invalid/);
});

test('curl 8.x wording: resolution lines, "from ... port" and the extended cipher line', (t) => {
  const to = fixture('curl8-timeout').result;
  t.deepEqual(to.resolved, { host: 'portainer.internal.thinkheads.ai', address: '10.0.0.101', via: 'dns' });
  t.is(to.connectAttempts[0]?.outcome, 'timeout');
  t.is(fixture('curl8-refused').result.connectAttempts[0]?.outcome, 'refused');
  const ok = fixture('curl8-ok').result;
  t.is(ok.tls?.cipher, 'TLS_AES_256_GCM_SHA384');
  t.is(ok.tls?.issuer, 'CN=Phoenix Internal CA');
  t.is(ok.tls?.expires, '2027-01-10T12:00:00Z');
  t.is(ok.httpStatus, 200);
});

test('without an exit code the phase comes from the text', (t) => {
  for (const [name, phase] of [
    ['timeout-literal', 'connect'],
    ['verify-unknown-ca', 'tls'],
    ['dns-fail', 'dns'],
    ['ok-h2', 'done'],
  ] as const) {
    const r = parseCurlVerbose(fixture(name).text, { file: 'x', exitCode: null });
    t.is(r.phase, phase, name);
  }
  t.is(parseCurlVerbose(fixture('timeout-literal').text, { file: 'x', exitCode: null }).exitCode, 28);
});

test('a timeout after connecting is an http failure, one during the TLS handshake a tls failure', (t) => {
  const http =
    '*   Trying 10.0.0.101:80...\n* Connected to 10.0.0.101 (10.0.0.101) port 80 (#0)\n> GET / HTTP/1.1\n> Host: 10.0.0.101\n>\n* Operation timed out after 5001 milliseconds with 0 bytes received\ncurl: (28) Operation timed out after 5001 milliseconds with 0 bytes received\n';
  t.is(parseCurlVerbose(http, { file: 'x', exitCode: 28 }).phase, 'http');
  const tls =
    '*   Trying 10.0.0.101:443...\n* Connected to 10.0.0.101 (10.0.0.101) port 443 (#0)\n* TLSv1.3 (OUT), TLS handshake, Client hello (1):\ncurl: (28) Operation timed out after 5001 milliseconds with 0 out of 0 bytes received\n';
  t.is(parseCurlVerbose(tls, { file: 'x', exitCode: 28 }).phase, 'tls');
});

test('odd input gives issues, never throws', (t) => {
  t.is(parseCurlVerbose('', { file: 'x', exitCode: null }).issues[0]?.code, 'curl-empty');
  t.is(parseCurlVerbose('<html>hello</html>', { file: 'x', exitCode: 0 }).issues[0]?.code, 'curl-not-verbose');
  const mismatch = parseCurlVerbose(fixture('refused').text, { file: 'x', exitCode: 28 });
  t.is(mismatch.issues[0]?.code, 'curl-exit-mismatch');
  const silent = parseCurlVerbose('*   Trying 10.0.0.101:443...\n', { file: 'x', exitCode: 7 });
  t.is(silent.issues[0]?.code, 'curl-no-error-line');
  t.is(silent.connectAttempts[0]?.outcome, 'failed');
  const junk = '\u0000\r\r\n* \n< HTTP/9 abc\ncurl: (x) nope\n* Connected to\n';
  t.notThrows(() => parseCurlVerbose(junk, { file: 'x', exitCode: null }));
});
