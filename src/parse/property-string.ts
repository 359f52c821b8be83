// Proxmox property strings ("virtio=BC:24:..,bridge=vmbr0,firewall=1"): unordered key=value
// pairs; a bare first item is the default key's value.
export function parsePropertyString(text: string, defaultKey?: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(',').forEach((item, i) => {
    if (item === '') return;
    const eq = item.indexOf('=');
    if (eq < 0) {
      if (i === 0 && defaultKey) out[defaultKey] = item;
      else out[item] = '';
      return;
    }
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  });
  return out;
}
