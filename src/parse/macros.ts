// Proxmox firewall macros ($pve_fw_macros / $pve_ipv6fw_macros in Firewall.pm): each expands
// to one rule per entry, inheriting the written rule's other options.

export interface MacroEntry {
  proto: string;
  dport?: string;
  sport?: string;
  v6only?: boolean; // from the IPv6 macro table only
  v4only?: boolean;
}

const t = (dport: string): MacroEntry => ({ proto: 'tcp', dport });
const u = (dport: string): MacroEntry => ({ proto: 'udp', dport });
const p = (proto: string): MacroEntry => ({ proto });

export const MACROS: Readonly<Record<string, readonly MacroEntry[]>> = {
  Amanda: [u('10080'), t('10080')],
  Auth: [t('113')],
  BGP: [t('179')],
  BitTorrent: [t('6881:6889'), u('6881')],
  BitTorrent32: [t('6881:6999'), u('6881')],
  CVS: [t('2401')],
  Ceph: [t('6789'), t('3300'), t('6800:7300')],
  Citrix: [t('1494'), u('1604'), t('2598')],
  DAAP: [t('3689'), u('3689')],
  DCC: [t('6277')],
  DHCPfwd: [{ proto: 'udp', sport: '67:68', dport: '67:68' }],
  DHCPv6: [{ proto: 'udp', sport: '546:547', dport: '546:547', v6only: true }],
  DNS: [u('53'), t('53')],
  Distcc: [t('3632')],
  FTP: [t('21')],
  Finger: [t('79')],
  GNUnet: [t('2086'), u('2086'), t('1080'), u('1080')],
  GRE: [p('47')],
  Git: [t('9418')],
  HKP: [t('11371')],
  HTTP: [t('80')],
  HTTPS: [t('443')],
  ICPV2: [u('3130')],
  ICQ: [t('5190')],
  IMAP: [t('143')],
  IMAPS: [t('993')],
  IPIP: [p('94')],
  IPsec: [{ proto: 'udp', sport: '500', dport: '500' }, p('50')],
  IPsecah: [{ proto: 'udp', sport: '500', dport: '500' }, p('51')],
  IPsecnat: [u('500'), u('4500'), p('50')],
  IRC: [t('6667')],
  Jetdirect: [t('9100')],
  L2TP: [u('1701')],
  LDAP: [t('389')],
  LDAPS: [t('636')],
  MDNS: [u('5353')],
  MSNP: [t('1863')],
  MSSQL: [t('1433')],
  Mail: [t('25'), t('465'), t('587')],
  Munin: [t('4949')],
  MySQL: [t('3306')],
  NNTP: [t('119')],
  NNTPS: [t('563')],
  NTP: [u('123')],
  NeighborDiscovery: [
    { proto: 'icmpv6', dport: 'router-solicitation', v6only: true },
    { proto: 'icmpv6', dport: 'router-advertisement', v6only: true },
    { proto: 'icmpv6', dport: 'neighbor-solicitation', v6only: true },
    { proto: 'icmpv6', dport: 'neighbor-advertisement', v6only: true },
  ],
  OSPF: [p('89')],
  OpenVPN: [u('1194')],
  PCA: [u('5632'), t('5631')],
  PMG: [t('8006')],
  POP3: [t('110')],
  POP3S: [t('995')],
  PPtP: [p('47'), t('1723')],
  Ping: [
    { proto: 'icmp', dport: 'echo-request', v4only: true },
    { proto: 'icmpv6', dport: 'echo-request', v6only: true },
  ],
  PostgreSQL: [t('5432')],
  Printer: [t('515')],
  RDP: [t('3389')],
  RIP: [u('520')],
  RNDC: [t('953')],
  Razor: [t('2703')],
  Rdate: [t('37')],
  Rsync: [t('873')],
  SANE: [t('6566')],
  SMB: [u('135,445'), u('137:139'), { proto: 'udp', sport: '137', dport: '1024:65535' }, t('135,139,445')],
  SMBswat: [t('901')],
  SMTP: [t('25')],
  SMTPS: [t('465')],
  SNMP: [u('161:162'), t('161')],
  SPAMD: [t('783')],
  SPICEproxy: [t('3128')],
  SSH: [t('22')],
  SVN: [t('3690')],
  SixXS: [t('3874'), u('3740'), p('41'), u('5072,8374')],
  Squid: [t('3128')],
  Submission: [t('587')],
  Syslog: [u('514'), t('514')],
  TFTP: [u('69')],
  Telnet: [t('23')],
  Telnets: [t('992')],
  Time: [t('37')],
  Trcrt: [u('33434:33524'), { proto: 'icmp', dport: 'echo-request', v4only: true }],
  VNC: [t('5900:5999')],
  VNCL: [t('5500')],
  Web: [t('80'), t('443')],
  Webcache: [t('8080')],
  Webmin: [t('10000')],
  Whois: [t('43')],
};

const BY_LOWER = new Map(Object.keys(MACROS).map((k) => [k.toLowerCase(), k]));

// Macro names are case-insensitive; returns the canonical spelling.
export function canonicalMacro(name: string): string | null {
  return BY_LOWER.get(name.toLowerCase()) ?? null;
}
