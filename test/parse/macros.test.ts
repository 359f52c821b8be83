import test from 'ava';
import { canonicalMacro, MACROS } from '../../src/parse/macros.js';

const show = (name: string) =>
  (MACROS[name] ?? []).map((e) => `${e.proto}${e.sport ? ` s${e.sport}` : ''}${e.dport ? ` ${e.dport}` : ''}`);

test('the common macros expand as PROXMOX.md lists them', (t) => {
  const expect: Record<string, string[]> = {
    SSH: ['tcp 22'],
    HTTP: ['tcp 80'],
    HTTPS: ['tcp 443'],
    Web: ['tcp 80', 'tcp 443'],
    DNS: ['udp 53', 'tcp 53'],
    Ping: ['icmp echo-request', 'icmpv6 echo-request'],
    SMTP: ['tcp 25'],
    SMTPS: ['tcp 465'],
    Submission: ['tcp 587'],
    IMAP: ['tcp 143'],
    IMAPS: ['tcp 993'],
    MySQL: ['tcp 3306'],
    PostgreSQL: ['tcp 5432'],
    RDP: ['tcp 3389'],
    NTP: ['udp 123'],
    SNMP: ['udp 161:162', 'tcp 161'],
    FTP: ['tcp 21'],
    VNC: ['tcp 5900:5999'],
    SPICEproxy: ['tcp 3128'],
    Squid: ['tcp 3128'],
    Webcache: ['tcp 8080'],
    PMG: ['tcp 8006'],
    Rsync: ['tcp 873'],
    Syslog: ['udp 514', 'tcp 514'],
    LDAP: ['tcp 389'],
    LDAPS: ['tcp 636'],
    OpenVPN: ['udp 1194'],
    Ceph: ['tcp 6789', 'tcp 3300', 'tcp 6800:7300'],
    SMB: ['udp 135,445', 'udp 137:139', 'udp s137 1024:65535', 'tcp 135,139,445'],
  };
  for (const [name, rules] of Object.entries(expect)) t.deepEqual(show(name), rules, name);
  t.true(Object.keys(MACROS).length >= 75);
});

test('DHCPv6 and NeighborDiscovery are IPv6-only; Ping is split by family', (t) => {
  t.true(MACROS.DHCPv6?.every((e) => e.v6only));
  t.true(MACROS.NeighborDiscovery?.every((e) => e.v6only));
  t.deepEqual(
    MACROS.Ping?.map((e) => [e.v4only ?? false, e.v6only ?? false]),
    [
      [true, false],
      [false, true],
    ],
  );
});

test('macro names are case-insensitive', (t) => {
  t.is(canonicalMacro('ssh'), 'SSH');
  t.is(canonicalMacro('spiceproxy'), 'SPICEproxy');
  t.is(canonicalMacro('nosuch'), null);
});
