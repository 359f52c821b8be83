// Why a guest counts as meant to be firewalled, or which guest a cluster.fw rule was written for:
// the evidence as data, worded here.
export type Because =
  | { by: 'phoenix-enabled' } // the Phoenix config has firewall.enabled: true
  | { by: 'intent-enables'; file: string }
  | { by: 'fw-rules'; vmid: number; count: number } // no intent: the guest's own .fw has rules
  | { by: 'nic-flag' } // no intent: a NIC has firewall=1
  | { by: 'phoenix-lists'; vmid: number; file: string; path: string }
  | { by: 'dest-is-guest'; address: string; vmid: number }
  | { by: 'source-is-guest'; address: string; vmid: number }
  | { by: 'intended-flow'; flow: string };

export function becauseText(b: Because): string {
  switch (b.by) {
    case 'phoenix-enabled':
      return 'its Phoenix config has firewall.enabled: true';
    case 'intent-enables':
      return `the intent (${b.file}) enables it`;
    case 'fw-rules':
      return `firewall/${b.vmid}.fw has ${b.count} rule(s)`;
    case 'nic-flag':
      return 'a NIC has firewall=1';
    case 'phoenix-lists':
      return `the Phoenix JSON lists it under guest ${b.vmid} (${b.file}: ${b.path})`;
    case 'dest-is-guest':
      return `its destination ${b.address} is guest ${b.vmid}`;
    case 'source-is-guest':
      return `its source ${b.address} is guest ${b.vmid}`;
    case 'intended-flow':
      return `it matches the intended flow ${b.flow}`;
  }
}
