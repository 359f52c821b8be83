import { readFileSync } from 'node:fs';
import test from 'ava';
import { parseGuestConfig } from '../../src/parse/guest-config.js';

test('pct config output: net0 properties in any order, escaped description', (t) => {
  const text =
    'arch: amd64\ndescription: Traefik reverse proxy%0A\nhostname: traefik\nnet0: name=eth0,bridge=vmbr0,firewall=1,gw=10.0.0.1,hwaddr=BC:24:11:3F:10:12,ip=10.0.0.12/24,type=veth\nnet1: type=veth,ip=dhcp,bridge=vmbr1,name=eth1,hwaddr=BC:24:11:3F:10:13\nlxc.apparmor.profile: unconfined\n';
  const g = parseGuestConfig(text, {
    vmid: 102,
    type: 'lxc',
    source: 'pct-config',
    path: 'commands/pct-config-102.out',
  });
  t.is(g.name, 'traefik');
  t.is(g.description, 'Traefik reverse proxy\n');
  t.like(g.nets[0], {
    key: 'net0',
    index: 0,
    bridge: 'vmbr0',
    firewall: true,
    hwaddr: 'BC:24:11:3F:10:12',
    ip: '10.0.0.12/24',
    gw: '10.0.0.1',
  });
  t.like(g.nets[1], { bridge: 'vmbr1', firewall: false, ip: 'dhcp' });
  t.is(g.props['lxc.apparmor.profile'], 'unconfined');
  t.deepEqual(g.issues, []);
});

test('qm config: model=MAC first, ipconfig gives the address; model/macaddr form', (t) => {
  const g = parseGuestConfig(
    'name: portainer\nnet0: virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=0\nnet1: bridge=vmbr1,firewall=1,model=e1000,macaddr=AA:BB:CC:DD:EE:FF\nipconfig0: ip=10.0.0.101/24,gw=10.0.0.1\n',
    { vmid: 1001, type: 'qemu', source: 'qm-config', path: 'x' },
  );
  t.like(g.nets[0], { model: 'virtio', hwaddr: 'BC:24:11:5E:7A:01', firewall: false, ip: '10.0.0.101/24' });
  t.like(g.nets[1], { model: 'e1000', hwaddr: 'AA:BB:CC:DD:EE:FF', firewall: true, ip: null });
});

test('conf file: description comments, snapshots and pending stay out of the main section', (t) => {
  const text =
    '#My%20CT\n#line two\nhostname: a\nnet0: name=eth0,bridge=vmbr0,firewall=0,ip=10.0.0.2/24\nparent: snap1\n\n[snap1]\nnet0: name=eth0,bridge=vmbr0,firewall=1\nsnaptime: 1700000000\n\n[pve:pending]\nnet0: name=eth0,bridge=vmbr0,firewall=1\ndelete: swap,cores\n';
  const g = parseGuestConfig(text, { vmid: 103, type: 'lxc', source: 'conf-file', path: 'nodes/pve/lxc/103.conf' });
  t.is(g.description, 'My CT\nline two');
  t.false(g.nets[0]?.firewall);
  t.is(g.snapshots.snap1?.snaptime, '1700000000');
  t.regex(g.pending.net0 ?? '', /firewall=1/);
  t.deepEqual(g.pendingDelete, ['swap', 'cores']);
  const q = parseGuestConfig('name: v\n[PENDING]\ndelete: net1\n[special:cloudinit]\nipconfig0: ip=1.2.3.4/24\n', {
    vmid: 100,
    type: 'qemu',
    source: 'conf-file',
    path: 'x',
  });
  t.deepEqual(q.pendingDelete, ['net1']);
  t.is(q.props.ipconfig0, undefined);
});

test('missing guests and odd lines become issues', (t) => {
  const g = parseGuestConfig("Configuration file 'nodes/pve/lxc/999.conf' does not exist\n", {
    vmid: 999,
    type: 'lxc',
    source: 'pct-config',
    path: 'x',
  });
  t.is(g.issues[0]?.code, 'guest-config-missing');
  const h = parseGuestConfig('this is not a config line\nhostname: ok\n', {
    vmid: 1,
    type: 'lxc',
    source: 'conf-file',
    path: 'x',
  });
  t.is(h.issues[0]?.line, 1);
  t.is(h.name, 'ok');
});

test('the seed conf files parse cleanly', (t) => {
  const text = readFileSync(new URL('../fixtures/pve/seed/nodes/pve/qemu-server/1001.conf', import.meta.url), 'utf8');
  const g = parseGuestConfig(text, {
    vmid: 1001,
    type: 'qemu',
    source: 'conf-file',
    path: 'nodes/pve/qemu-server/1001.conf',
  });
  t.deepEqual(g.issues, []);
  t.is(g.props.boot, 'order=scsi0;ide2;net0');
});

test('key grammar per type: raw lxc.* lines in both forms, QEMU keys may contain "-"', (t) => {
  const c = parseGuestConfig(
    'lxc.cgroup2.devices.allow = c 10:200 rwm\nlxc.mount.entry: /dev/net dev/net none\nparent: snap2\nnet0: name=eth0,bridge=vmbr0,firewall=1,hwaddr=AA:BB:CC:00:00:01,ip=manual,ip6=auto\n',
    {
      vmid: 200,
      type: 'lxc',
      source: 'conf-file',
      path: 'x',
    },
  );
  t.is(c.props['lxc.cgroup2.devices.allow'], 'c 10:200 rwm');
  t.is(c.props['lxc.mount.entry'], '/dev/net dev/net none');
  t.is(c.props.parent, 'snap2');
  t.like(c.nets[0], { ip: 'manual', ip6: 'auto', firewall: true });
  t.deepEqual(c.issues, []);
  const q = parseGuestConfig(
    'vga-type: std\nnet10: virtio=AA:BB:CC:00:00:0A,bridge=vmbr1\nnet2: virtio=AA:BB:CC:00:00:02,bridge=vmbr2,firewall=1\n',
    {
      vmid: 100,
      type: 'qemu',
      source: 'conf-file',
      path: 'x',
    },
  );
  t.is(q.props['vga-type'], 'std');
  t.deepEqual(
    q.nets.map((n) => [n.key, n.firewall]),
    [
      ['net2', true],
      ['net10', false],
    ],
  );
  const l = parseGuestConfig('vga-type: std\n', { vmid: 1, type: 'lxc', source: 'conf-file', path: 'x' });
  t.is(l.issues[0]?.code, 'guest-config-line');
});

test('qm config of a nonexistent vmid names the local node', (t) => {
  const g = parseGuestConfig("Configuration file 'nodes/pve/qemu-server/999.conf' does not exist\n", {
    vmid: 999,
    type: 'qemu',
    source: 'qm-config',
    path: 'x',
  });
  t.regex(g.issues[0]?.message ?? '', /does not exist on this node/);
});
