import test from 'ava';
import { discover, hostUsesNftables, listedVmids, nodeName } from '../../src/plan/discovery.js';

const PCT_LIST = `VMID       Status     Lock         Name
101        running                 stepca
102        running                 traefik
103        stopped                 misc
`;
const QM_LIST = `      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID
      1001 portainer            running    4096              32.00 12345
`;

test('vmids come from the first column of pct list and qm list', (t) => {
  t.deepEqual(listedVmids(PCT_LIST), [101, 102, 103]);
  t.deepEqual(listedVmids(QM_LIST), [1001]);
  t.deepEqual(listedVmids('garbage\n; reboot\n'), []);
});

test('the node name is the hostname up to the first dot', (t) => {
  t.is(nodeName('pve1.example.com\n'), 'pve1');
  t.is(nodeName('bad name\n'), null);
  t.is(nodeName(''), null);
});

test('nftables: 1 counts only in host.fw [OPTIONS]', (t) => {
  t.true(hostUsesNftables('[OPTIONS]\nenable: 1\nnftables: 1\n'));
  t.false(hostUsesNftables('[OPTIONS]\nnftables: 0\n'));
  t.false(hostUsesNftables('[RULES]\nnftables: 1\n'));
});

test('discover puts it together', (t) => {
  t.deepEqual(discover({ hostname: 'pve1\n', pctList: PCT_LIST, qmList: QM_LIST, hostFw: '' }), {
    node: 'pve1',
    lxc: [101, 102, 103],
    qemu: [1001],
    nftables: false,
  });
});
