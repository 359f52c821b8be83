// The NIC property string with firewall=1, every other property kept as written and in place.
export function withFirewallOn(raw: string): string {
  const parts = raw.split(',').filter((p) => p !== '');
  const at = parts.findIndex((p) => /^firewall=/.test(p));
  if (at >= 0) {
    parts[at] = 'firewall=1';
    return parts.join(',');
  }
  const bridge = parts.findIndex((p) => /^bridge=/.test(p));
  parts.splice(bridge >= 0 ? bridge + 1 : parts.length, 0, 'firewall=1');
  return parts.join(',');
}
