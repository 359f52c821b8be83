import test from 'ava';
import { simulate } from '../../src/firewall/simulate.js';
import { modelFrom } from './helpers.js';

// PROXMOX.md section 6: with the nftables backend, REJECT in a guest chain becomes a drop.
const files = (hostFw: string): Record<string, string> => ({
  'firewall/cluster.fw': '[OPTIONS]\nenable: 1\n',
  'nodes/pve/host.fw': hostFw,
  'firewall/1001.fw': '[OPTIONS]\nenable: 1\npolicy_in: REJECT\n',
  'nodes/pve/qemu-server/1001.conf':
    'name: portainer\nnet0: virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=1\nipconfig0: ip=10.0.0.101/24\n',
  'nodes/pve/lxc/102.conf':
    'hostname: traefik\nnet0: name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:3F:10:12,ip=10.0.0.12/24,type=veth\n',
});
const flow = { from: 'ct102', to: 'vm1001', proto: 'tcp' as const, dport: 443 };

test('iptables backend: a guest REJECT policy rejects', (t) => {
  const r = simulate(modelFrom(files('[OPTIONS]\nenable: 1\n'), { hostIp: '10.0.0.2' }), flow);
  t.is(r.action, 'REJECT');
  t.false(r.trace.some((l) => l.includes('nftables')));
});

test('nftables backend: the same policy drops, and the trace says why', (t) => {
  const r = simulate(modelFrom(files('[OPTIONS]\nenable: 1\nnftables: 1\n'), { hostIp: '10.0.0.2' }), flow);
  t.is(r.action, 'DROP');
  t.is(r.decidedBy.file, 'firewall/1001.fw');
  t.true(r.trace.some((l) => /nftables backend .* REJECT in a guest chain is a drop/.test(l)));
});
