import test from 'ava';
import { platformOf } from '../../src/parse/index.js';

// "Not a Proxmox node" is read from `pct list`'s exit code, whatever words the step's error carries.
const step = (exitCode: number | null, error: string | null = null) => ({ id: 'pct-list', exitCode, error });

test('pct list exiting 127 (command not found) says the node is not Proxmox', (t) => {
  t.deepEqual(platformOf(step(127, 'anything at all')), { proxmox: 'no', step: 'pct-list', exitCode: 127 });
});

test('a clean pct list says it is; any other failure cannot tell', (t) => {
  t.is(platformOf(step(0)).proxmox, 'yes');
  t.is(platformOf(step(0, 'timed out after 20 s')).proxmox, 'unknown');
  t.is(platformOf(step(255, 'connection lost')).proxmox, 'unknown');
  t.is(platformOf(step(null, 'timed out')).proxmox, 'unknown');
  t.deepEqual(platformOf(undefined), { proxmox: 'unknown', step: null, exitCode: null });
});
