import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { openBundleWriter, readBundle } from '../../src/bundle/index.js';
import { SAMPLE_DIR } from '../../src/cli/commands/demo.js';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/schema/report.js';

// Bad input loses nothing: a cluster.fw with a broken rule line and an option line Proxmox ignores
// still yields a full report, with each bad line named and the rest analysed as before.
test('a malformed cluster.fw in a bundle is reported line by line and the rest is still analysed', async (t) => {
  const sample = await readBundle(SAMPLE_DIR);
  const root = await mkdtemp(join(tmpdir(), 'pa-malformed-'));
  const w = await openBundleWriter({ reportsRoot: root, host: 'pve1', startedAt: new Date(sample.manifest.startedAt) });
  for (const e of sample.manifest.evidence) {
    const body = (await sample.read(e.path))!;
    const text =
      e.path === 'pve/firewall/cluster.fw'
        ? body
            .toString()
            .replace('policy_out: ACCEPT', 'policy_out: ACCEPT\nlog_ratelimit: enable=0 # quiet')
            .replace('[RULES]\n', '[RULES]\nIN ACCEPT -p tcp -dport 22-23 # dash range\nIN DENY -p tcp -dport 25\n')
        : body;
    await w.addEvidence(e.path, text, e.step);
  }
  const { manifest } = sample;
  await w.seal({ ...manifest, source: 'import' });
  const io = bufferIo();
  t.is(await main(['render', w.dir, '--format', 'json'], io), 0, io.stderr.join('\n'));
  const report = JSON.parse(await readFile(join(w.dir, 'report.json'), 'utf8')) as Report;

  const cluster = (report.issues ?? []).filter((i) => i.file === 'firewall/cluster.fw');
  t.true(
    cluster.some((i) => i.line !== undefined && /log_ratelimit|comment/i.test(i.message)),
    JSON.stringify(cluster),
  );
  const skipped = report.findings.filter((f) => f.checkId === 'rules_skipped_by_proxmox');
  t.true(skipped.some((f) => f.detail?.includes('22-23')));
  t.true(skipped.some((f) => f.detail?.includes('DENY')));
  // everything else is analysed as in the sample
  t.is(report.rootCause?.decidedBy?.file, 'firewall/1001.fw');
  t.is(report.answers.find((a) => a.question === 'packets-dropped')?.answer, 'yes');
  await w.abort();
  await rm(root, { recursive: true });
});
