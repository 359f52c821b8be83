import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { redactSecrets } from '../../src/lib/redact.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/curl/${name}.txt`, import.meta.url)), 'utf8');

test('real curl -v output: credential headers, cookies and query tokens are gone, header names stay', (t) => {
  const raw = fixture('ok-tls12-auth');
  const { text, redactions } = redactSecrets(raw);
  for (const secret of ['8d3c1f0e-1111', 'c2lnbmF0dXJl', 'Y3NyZi10b2tlbg', 'abc123secret', 'fixture-secret-token-1234'])
    t.false(text.includes(secret), secret);
  t.regex(text, /^> Authorization: \[REDACTED\]\r$/m);
  t.regex(text, /^> Cookie: \[REDACTED\]\r$/m);
  t.regex(text, /^< set-cookie: \[REDACTED\]\r$/m);
  t.regex(text, /^> CSRFPreventionToken: \[REDACTED\]\r$/m);
  t.regex(text, /GET \/\?token=\[REDACTED\]&view=1 HTTP/);
  t.deepEqual(
    redactions.map((r) => r.what),
    [
      'Authorization header',
      'Cookie header',
      'Set-Cookie header',
      'X-Auth-Token header',
      'CSRFPreventionToken header',
      'secret query or form value',
    ],
  );
  t.true(text.includes('< HTTP/1.1 404 Not Found'), 'the rest is untouched');
});

test('basic auth from curl -u', (t) => {
  const { text } = redactSecrets(fixture('http-basic'));
  t.false(text.includes('YWRtaW46aHVudGVyMg=='));
  t.regex(text, /> Authorization: \[REDACTED\]/);
});

const cases: [string, string, string][] = [
  ['Authorization: Bearer eyJhbGciOi.abc.def', 'Authorization: [REDACTED]', 'Authorization header'],
  ['* h2h3 [authorization: Bearer abc]', '* h2h3 [authorization: [REDACTED]]', 'Authorization header'],
  ['Proxy-Authorization: Basic Zm9vOmJhcg==', 'Proxy-Authorization: [REDACTED]', 'Proxy-Authorization header'],
  ['X-Api-Key: k-123', 'X-Api-Key: [REDACTED]', 'X-Api-Key header'],
  ["curl -H 'X-Auth-Token: t0k' https://x/", "curl -H 'X-Auth-Token: [REDACTED]' https://x/", 'X-Auth-Token header'],
  ['got token Bearer abc.def-ghi= here', 'got token Bearer [REDACTED] here', 'bearer token'],
  ['PVEAPIToken=root@pam!audit=8d3c1f0e-aaaa', 'PVEAPIToken=root@pam!audit=[REDACTED]', 'PVEAPIToken secret'],
  [
    'curl -b PVEAuthCookie=PVE:root@pam:AB::sig https://h/',
    'curl -b PVEAuthCookie=[REDACTED] https://h/',
    'PVEAuthCookie value',
  ],
  [
    '{"data":{"ticket":"PVE:root@pam:AB::sig","CSRFPreventionToken":"AB:xyz"}}',
    '{"data":{"ticket":"[REDACTED]","CSRFPreventionToken":"[REDACTED]"}}',
    'JSON secret field',
  ],
  [
    'username=root&password=hunter2&realm=pam',
    'username=root&password=[REDACTED]&realm=pam',
    'secret query or form value',
  ],
  ['GET /api?secret=s3&x=1', 'GET /api?secret=[REDACTED]&x=1', 'secret query or form value'],
  ['https://admin:hunter2@10.0.0.1:8006/', 'https://admin:[REDACTED]@10.0.0.1:8006/', 'URL password'],
  ['curl -u admin:hunter2 http://x/', 'curl -u admin:[REDACTED] http://x/', 'curl -u password'],
];

for (const [input, want, what] of cases)
  test(`redacts ${what}: ${input.slice(0, 40)}`, (t) => {
    const r = redactSecrets(input);
    t.is(r.text, want);
    t.true(r.redactions.some((x) => x.what === what && x.count >= 1));
  });

test('is idempotent and leaves harmless text alone', (t) => {
  const once = redactSecrets(fixture('ok-tls12-auth')).text;
  const twice = redactSecrets(once);
  t.is(twice.text, once);
  t.deepEqual(twice.redactions, []);
  const plain = '* Server auth using Basic with user admin\n< content-type: text/plain\n';
  t.deepEqual(redactSecrets(plain), { text: plain, redactions: [] });
});

test('a guest config keeps the cipassword key but not its hash; qm config masking is left alone', (t) => {
  const conf = 'ciuser: admin\ncipassword: $5$Vw0m3tYc$dK2lqH5C1kq0mP3Yk8dM2nR4tW6yZ8bA1cE3gI5kL7\nname: portainer\n';
  const r = redactSecrets(conf);
  t.is(r.text, 'ciuser: admin\ncipassword: [REDACTED]\nname: portainer\n');
  t.deepEqual(r.redactions, [{ what: 'cloud-init password', count: 1 }]);
  const masked = 'cipassword: **********\n';
  t.is(redactSecrets(masked).text, masked);
  t.deepEqual(redactSecrets(masked).redactions, []);
});

test('secret-looking environment and option values in guest configs are redacted; ordinary ones are not', (t) => {
  const conf = [
    'features: keyctl=1,nesting=1',
    'lxc.environment: POSTGRES_PASSWORD=hunter2-lab-secret',
    'lxc.environment = DB_PASS=s3cr3t',
    'args: -spice port=5900,password=spicepw',
    'net0: name=eth0,bridge=vmbr0,firewall=1,ip=10.0.0.12/24',
  ].join('\n');
  const r = redactSecrets(conf);
  t.false(/hunter2|s3cr3t|spicepw/.test(r.text), r.text);
  t.true(r.text.includes('features: keyctl=1,nesting=1'));
  t.true(r.text.includes('POSTGRES_PASSWORD=[REDACTED]'));
  t.true(r.text.includes('net0: name=eth0,bridge=vmbr0,firewall=1,ip=10.0.0.12/24'));
});
