import test from 'ava';
import { simulateCommand } from '../../src/assess/lib/commands.js';
import { ctxFor } from '../checks/helpers.js';

const ctx = ctxFor(null);

test('guest zones carry their real addresses; outside IPs go in as outside with --source', (t) => {
  t.is(
    simulateCommand(ctx, { from: 'ct102', to: 'vm1001', proto: 'tcp', dport: 443 }),
    'pve-firewall simulate --from ct102 --to vm1001 --dport 443 --source 10.0.0.12 --dest 10.0.0.101',
  );
  t.is(
    simulateCommand(ctx, { from: '192.0.2.7', to: '10.0.0.101', proto: 'udp', dport: 53 }),
    'pve-firewall simulate --from outside --to vm1001 --protocol udp --dport 53 --source 192.0.2.7 --dest 10.0.0.101',
  );
  t.is(
    simulateCommand(ctx, { from: 'host', to: 'outside', dport: 22 }),
    'pve-firewall simulate --from host --to outside --dport 22',
  );
});

test('icmp cannot be simulated by pve-firewall: the proof says so instead of testing tcp', (t) => {
  const c = simulateCommand(ctx, { from: 'ct102', to: 'vm1001', proto: 'icmp', dport: 8 });
  t.true(c.startsWith('# pve-firewall simulate cannot send icmp'));
  t.regex(c, /pveaudit simulate --pve-dir .* --from ct102 --to vm1001 --proto icmp --dport 8$/);
});
