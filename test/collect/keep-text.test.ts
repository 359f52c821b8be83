import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { openBundleWriter } from '../../src/bundle/index.js';
import type { RunContext } from '../../src/collect/context.js';
import { keepText } from '../../src/collect/steps.js';

// Evidence is redacted before it reaches the disk, whatever step produced it.
test('a guest config file is stored without its cipassword hash, and the manifest list says what was removed', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'pa-keep-'));
  const writer = await openBundleWriter({ reportsRoot: root, host: 'pve1', startedAt: new Date() });
  const ctx = { writer, redactions: [] } as unknown as RunContext;
  const conf = 'agent: 1\ncipassword: $5$abc$0123456789abcdef\nname: portainer\n';
  await keepText(ctx, 'pve/nodes/pve/qemu-server/1001.conf', Buffer.from(conf), 'file-1001-conf');
  const stored = await readFile(join(writer.dir, 'evidence/pve/nodes/pve/qemu-server/1001.conf'), 'utf8');
  t.is(stored, 'agent: 1\ncipassword: [REDACTED]\nname: portainer\n');
  t.false(stored.includes('$5$abc'));
  t.deepEqual(ctx.redactions, [{ path: 'pve/nodes/pve/qemu-server/1001.conf', what: 'cloud-init password', count: 1 }]);
  await writer.abort();
  await rm(root, { recursive: true });
});
