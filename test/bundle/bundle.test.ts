import { appendFile, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { openBundleWriter, readBundle, verifyBundle } from '../../src/bundle/index.js';
import { sha256 } from '../../src/lib/hash.js';

const manifestInput = (startedAt: string) => ({
  host: { name: 'pve1', address: '198.18.0.2', port: 22, user: 'root', hostKeyFingerprint: 'SHA256:abc' },
  startedAt,
  finishedAt: startedAt,
  source: 'sample' as const,
  plan: [{ id: 'hostname', kind: 'command', command: 'hostname' }],
  steps: [],
  redactions: [],
});

async function makeBundle() {
  const root = await mkdtemp(join(tmpdir(), 'pa-bundle-'));
  const startedAt = new Date('2026-11-25T18:49:00.500Z');
  const w = await openBundleWriter({ reportsRoot: root, host: 'pve1', startedAt });
  await w.addEvidence('commands/hostname.out', 'pve\n', 'hostname');
  await w.addEvidence('pve/firewall/cluster.fw', '[OPTIONS]\nenable: 1\n', 'file-cluster-fw');
  const pcapSrc = join(root, 'src.pcap');
  await writeFile(pcapSrc, Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]));
  await w.addEvidenceFile('capture/vmbr0.pcap', pcapSrc, 'capture');
  const final = await w.finish(manifestInput(startedAt.toISOString()), { 'report.json': '{}\n' });
  return { root, final };
}

test('a finished bundle is renamed into place, hashed, and pointed at by latest', async (t) => {
  const { root, final } = await makeBundle();
  t.is(final, join(root, 'pve1', '20261125T184900Z'));
  t.is(await readlink(join(root, 'pve1', 'latest')), '20261125T184900Z');
  t.deepEqual((await readdir(join(root, 'pve1'))).sort(), ['20261125T184900Z', 'latest']);
  const bundle = await readBundle(join(root, 'pve1', 'latest'));
  t.deepEqual(
    bundle.manifest.evidence.map((e) => e.path),
    ['capture/vmbr0.pcap', 'commands/hostname.out', 'pve/firewall/cluster.fw'],
  );
  const hostname = bundle.manifest.evidence.find((e) => e.path === 'commands/hostname.out');
  t.is(hostname?.sha256, sha256('pve\n'));
  t.is(hostname?.bytes, 4);
  t.is(await bundle.readText('pve/firewall/cluster.fw'), '[OPTIONS]\nenable: 1\n');
  t.is(bundle.manifest.outputs[0]?.path, 'report.json');
  await rm(root, { recursive: true });
});

test('verify passes on an untouched bundle and names changed, missing and added files', async (t) => {
  const { root, final } = await makeBundle();
  t.true((await verifyBundle(final)).ok);

  const target = join(final, 'evidence/pve/firewall/cluster.fw');
  const bytes = await readFile(target);
  bytes[0] = bytes[0]! ^ 1; // one byte changed
  await writeFile(target, bytes);
  await rm(join(final, 'evidence/commands/hostname.out'));
  await appendFile(join(final, 'evidence/extra.txt'), 'planted');
  const r = await verifyBundle(final);
  t.false(r.ok);
  t.deepEqual(r.changed, ['evidence/pve/firewall/cluster.fw']);
  t.deepEqual(r.missing, ['evidence/commands/hostname.out']);
  t.deepEqual(r.added, ['evidence/extra.txt']);
  await rm(root, { recursive: true });
});

test('an aborted run leaves nothing that looks like a report', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'pa-bundle-'));
  const w = await openBundleWriter({ reportsRoot: root, host: 'pve1', startedAt: new Date() });
  await w.addEvidence('commands/hostname.out', 'pve\n', 'hostname');
  await w.abort();
  t.deepEqual(await readdir(root), [], 'not even an empty host directory');
  await rm(root, { recursive: true });
});

test('evidence paths cannot escape the bundle', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'pa-bundle-'));
  const w = await openBundleWriter({ reportsRoot: root, host: 'pve1', startedAt: new Date() });
  await t.throwsAsync(() => w.addEvidence('../escape', 'x', null), { message: /stay inside evidence/ });
  await t.throwsAsync(() => w.addEvidence('/etc/passwd', 'x', null), { message: /must be relative/ });
  await w.abort();
  await rm(root, { recursive: true });
});

test('a directory without a manifest gets an error that says so', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'pa-bundle-'));
  await t.throwsAsync(() => readBundle(root), { message: /no manifest\.json/ });
  await writeFile(join(root, 'manifest.json'), '{"schemaVersion":"2"}');
  await t.throwsAsync(() => readBundle(root), { message: /manifest\.json: schemaVersion/ });
  await rm(root, { recursive: true });
});

test('a symlink planted in a report directory fails verify and is never written through', async (t) => {
  const { symlink } = await import('node:fs/promises');
  const { replaceOutputs } = await import('../../src/bundle/index.js');
  const { root, final } = await makeBundle();
  const victim = join(root, 'victim.txt');
  await writeFile(victim, 'precious');
  await symlink(victim, join(final, 'report.md'));
  const r = await verifyBundle(final);
  t.false(r.ok);
  t.deepEqual(r.added, ['report.md (not a regular file)']);
  await t.throwsAsync(() => replaceOutputs(final, { 'report.md': '# overwritten' }), { message: /not a regular file/ });
  t.is(await readFile(victim, 'utf8'), 'precious');
  await rm(root, { recursive: true });
});
