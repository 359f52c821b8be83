import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

// Issue 11: verify passed an evidence file that was edited and re-hashed in manifest.json, and
// ignored extra files at the top of the report directory.
const tmp = mkdtempSync(join(tmpdir(), 'pa-tamper-'));
const run = async (...argv: string[]) => {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

async function report(name: string): Promise<string> {
  const out = join(tmp, name);
  const r = await run('demo', '--out', out, '--format', 'json,md');
  if (r.code !== 0) throw new Error(r.err);
  return join(out, 'pve1', readlinkSync(join(out, 'pve1', 'latest')));
}

interface Listed {
  path: string;
  sha256: string;
  bytes?: number;
}
function rehash(dir: string, listed: 'evidence' | 'outputs', path: string, text: string) {
  const full = listed === 'evidence' ? join(dir, 'evidence', path) : join(dir, path);
  writeFileSync(full, text);
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, Listed[]>;
  const entry = manifest[listed]?.find((e) => e.path === path);
  if (!entry) throw new Error(`${path} is not in the manifest's ${listed}`);
  entry.sha256 = sha(text);
  if (entry.bytes !== undefined) entry.bytes = Buffer.byteLength(text);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

test('an untouched report verifies', async (t) => {
  const dir = await report('clean');
  const r = await run('verify', dir);
  t.is(r.code, 0, r.out);
  t.regex(r.out, /evidence digest .* matches the manifest/);
});

test('an evidence file edited and re-hashed in manifest.json fails on the evidence digest', async (t) => {
  const dir = await report('rehashed');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { evidence: Listed[] };
  const fw = manifest.evidence.find((e) => e.path.endsWith('.fw'));
  if (!fw) return t.fail('no .fw evidence in the demo report');
  const text = readFileSync(join(dir, 'evidence', fw.path), 'utf8');
  rehash(dir, 'evidence', fw.path, `${text}IN ACCEPT -p tcp -dport 443\n`);
  const r = await run('verify', dir);
  t.is(r.code, 1);
  t.regex(r.out, /^ok: \d+ files match manifest\.json/m, 'the hashes alone agree');
  t.regex(r.out, /FAILED: report\.json's evidence digest .* is not the manifest's/);
});

test('a report.json whose evidence digest was removed (and re-hashed) fails', async (t) => {
  const dir = await report('nodigest');
  const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>;
  delete json.evidenceDigest;
  rehash(dir, 'outputs', 'report.json', `${JSON.stringify(json, null, 2)}\n`);
  const r = await run('verify', dir);
  t.is(r.code, 1);
  t.regex(r.out, /FAILED: report\.json states no evidence digest/);
});

test('extra files at the top of the report directory, or in signatures/ besides sign-offs, fail', async (t) => {
  const dir = await report('extra');
  mkdirSync(join(dir, 'signatures'));
  writeFileSync(join(dir, 'signatures', 'README'), 'not a sign-off\n');
  const note = await run('verify', dir);
  t.is(note.code, 1, 'signatures/ holds sign-offs and the sheet only');
  t.regex(note.out, /^added\s+signatures\/README$/m);
  writeFileSync(join(dir, 'report.html'), '<p>not from pveaudit</p>');
  writeFileSync(join(dir, '.hidden'), 'x');
  const r = await run('verify', dir);
  t.is(r.code, 1);
  t.regex(r.out, /^added\s+\.hidden$/m);
  t.regex(r.out, /^added\s+report\.html$/m);
  t.true(readdirSync(dir).includes('manifest.json'));
});
