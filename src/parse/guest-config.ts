import { dict } from '../lib/dict.js';
import type { GuestType, Issue } from '../schema/common.js';
import type { GuestConfig, NetConfig } from '../schema/pve.js';
import { parsePropertyString } from './property-string.js';

export interface GuestConfigOptions {
  vmid: number;
  type: GuestType;
  source: GuestConfig['source'];
  path: string;
}

const QEMU_MODELS = new Set([
  'virtio',
  'e1000',
  'e1000e',
  'vmxnet3',
  'rtl8139',
  'ne2k_pci',
  'pcnet',
  'i82551',
  'i82557b',
  'i82559er',
  'ne2k_isa',
  'e1000-82540em',
  'e1000-82544gc',
  'e1000-82545em',
]);

function uriDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// A guest config as the .conf file stores it (snapshots, pending) or as `pct config` /
// `qm config` print it. Only the main section feeds `nets`: the firewall compiler reads nothing else.
export function parseGuestConfig(text: string, opts: GuestConfigOptions): GuestConfig {
  const issues: Issue[] = [];
  // prototype-free: a snapshot section may be named [__proto__] or [constructor]
  const main = dict<string>();
  const pending = dict<string>();
  const pendingDelete: string[] = [];
  const snapshots = dict<Record<string, string>>();
  const descLines: string[] = [];
  let target: Record<string, string> = main;
  let section: string | null = null;
  // (.*) and trimEnd later: a lazy (.*?)\s*$ is quadratic in a long space run (issue 11)
  const keyRe = opts.type === 'lxc' ? /^([a-z][a-z_]*\d*):\s*(.*)$/ : /^([a-z][a-z_-]*\d*):\s*(.*)$/;
  let seenKey = false;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const line = raw.trim();
    const lineNo = idx + 1;
    if (line === '') return;
    if (/^Configuration file '.*' does not exist/.test(line)) {
      issues.push({
        file: opts.path,
        line: lineNo,
        severity: 'error',
        code: 'guest-config-missing',
        message: `guest ${opts.vmid} does not exist on this node: ${line}`,
      });
      return;
    }
    if (line.startsWith('#')) {
      if (section === null && !seenKey) descLines.push(uriDecode(line.slice(1)));
      return;
    }
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1] as string;
      if (section === 'pve:pending' || section === 'PENDING') target = pending;
      else if (section.startsWith('special:')) target = dict();
      else target = snapshots[section] = dict();
      return;
    }
    const raw_ = opts.type === 'lxc' ? /^(lxc\.[^:=\s]+)\s*[:=]\s*(.*)$/.exec(line) : null;
    const m = raw_ ?? keyRe.exec(line);
    if (!m) {
      issues.push({
        file: opts.path,
        line: lineNo,
        severity: 'warning',
        code: 'guest-config-line',
        message: `skipped line "${line}": expected "key: value"`,
      });
      return;
    }
    const key = m[1] as string;
    const value = (m[2] as string).trimEnd();
    if (target === main) seenKey = true;
    if (target === pending && key === 'delete') pendingDelete.push(...value.split(',').filter(Boolean));
    else target[key] = value;
  });
  const description =
    main.description !== undefined ? uriDecode(main.description) : descLines.length > 0 ? descLines.join('\n') : null;
  const nets = Object.keys(main)
    .filter((k) => /^net\d+$/.test(k))
    .map((k) => parseNet(k, main[k] as string, opts.type, main))
    .sort((a, b) => a.index - b.index);
  return {
    vmid: opts.vmid,
    type: opts.type,
    source: opts.source,
    path: opts.path,
    name: (opts.type === 'lxc' ? main.hostname : main.name) ?? null,
    props: main,
    nets,
    pending,
    pendingDelete,
    snapshots,
    description,
    issues,
  };
}

function parseNet(key: string, raw: string, type: GuestType, main: Record<string, string>): NetConfig {
  const index = Number(key.slice(3));
  const props = parsePropertyString(raw, type === 'qemu' ? 'model' : 'name');
  let model: string | null = null;
  let hwaddr: string | null = null;
  if (type === 'qemu') {
    const mk = Object.keys(props).find((k) => QEMU_MODELS.has(k));
    if (mk) {
      model = mk;
      hwaddr = props[mk] || null;
    } else {
      model = props.model ?? null;
    }
    hwaddr = props.macaddr ?? hwaddr;
  } else {
    hwaddr = props.hwaddr ?? null;
  }
  // QEMU guests carry their address only in cloud-init ipconfigN (kept for reference).
  const ipcfg =
    type === 'qemu' && main[`ipconfig${index}`] ? parsePropertyString(main[`ipconfig${index}`] as string) : props;
  return {
    key,
    index,
    raw,
    props,
    bridge: props.bridge ?? null,
    firewall: props.firewall === '1',
    hwaddr,
    model,
    ip: ipcfg.ip ?? null,
    ip6: ipcfg.ip6 ?? null,
    gw: ipcfg.gw ?? null,
    tag: props.tag ?? null,
  };
}
