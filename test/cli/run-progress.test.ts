import { PassThrough } from 'node:stream';
import test from 'ava';
import { bufferIo } from '../../src/cli/io.js';
import { createProgress } from '../../src/cli/progress.js';

test('without a terminal, progress is plain lines per finished step and phase', async (t) => {
  const io = bufferIo();
  const p = await createProgress(io, ['pve1', 'pve2']);
  p.note('pve1', 'connecting');
  p.step('pve1', 'hostname', 'running');
  p.step('pve1', 'hostname', 'ok');
  p.step('pve2', 'pve/firewall/101.fw', 'absent');
  p.step('pve2', 'pct-list', 'failed');
  p.done();
  t.deepEqual(io.stderr, [
    '[pve1] connecting',
    '[pve1] hostname: ok',
    '[pve2] pve/firewall/101.fw: absent',
    '[pve2] pct-list: failed',
  ]);
});

test('on a terminal, one redrawn line per host shows its running steps and counts', async (t) => {
  const io = { ...bufferIo(), isTTY: true };
  const stream = new PassThrough();
  let written = '';
  stream.on('data', (d: Buffer) => {
    written += d.toString();
  });
  const p = await createProgress(io, ['pve1', 'node-two'], stream);
  p.step('pve1', 'hostname', 'ok');
  p.step('pve1', 'pct-list', 'failed');
  p.step('pve1', 'iptables-save', 'running');
  p.note('node-two', 'connecting');
  p.done();
  t.deepEqual(io.stderr, [], 'nothing goes through the line-based channel');
  t.true(written.includes('pve1        2 steps, 1 failed  iptables-save'));
  t.true(written.includes('node-two    0 steps  connecting'));
});
