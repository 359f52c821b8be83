import type { LiveEndpoint } from '../../src/kernel/flow.js';

// The lab's seed guests and node as the live walks see them (addresses, bridge ports, MACs from
// their configs), shared by the kernel tests that walk flows between them.

export const ct102: LiveEndpoint = {
  kind: 'guest',
  ip: '10.0.0.12',
  bridge: 'vmbr0',
  dev: 'veth102i0',
  firewall: true,
  mac: 'BC:24:11:3F:10:12',
};

export const vm1001: LiveEndpoint = {
  kind: 'guest',
  ip: '10.0.0.101',
  bridge: 'vmbr0',
  dev: 'tap1001i0',
  firewall: true,
  mac: 'BC:24:11:5E:7A:01',
};

export const host: LiveEndpoint = {
  kind: 'host',
  ip: '10.0.0.1',
  bridge: null,
  dev: null,
  firewall: false,
  mac: null,
};
