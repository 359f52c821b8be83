import test from 'ava';
import { findingId } from '../../src/analyse/finding-id.js';
import { withFirewallOn } from '../../src/analyse/nic.js';

test('the NIC flag flips in place and every other property is kept', (t) => {
  t.is(
    withFirewallOn('virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=0'),
    'virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=1',
  );
  t.is(
    withFirewallOn('name=eth0,bridge=vmbr0,gw=10.0.0.1,ip=10.0.0.11/24,type=veth'),
    'name=eth0,bridge=vmbr0,firewall=1,gw=10.0.0.1,ip=10.0.0.11/24,type=veth',
  );
  t.is(withFirewallOn('virtio=BC:24:11:5E:7A:01'), 'virtio=BC:24:11:5E:7A:01,firewall=1');
});

test('finding ids depend on check, subject and normalised rule only', (t) => {
  t.is(findingId('c', 'vm1001', 'IN  ACCEPT -p tcp'), findingId('c', 'vm1001', 'IN ACCEPT -p tcp'));
  t.not(findingId('c', 'vm1001', 'IN ACCEPT'), findingId('c', 'vm1002', 'IN ACCEPT'));
  t.not(findingId('c', 'vm1001', undefined), findingId('d', 'vm1001', undefined));
});
