import type { Issue } from '../schema/common.js';
import type { Corosync } from '../schema/pve.js';

// corosync.conf: nested "name {" blocks of "key: value". We need totem transport/ip_version
// and each nodelist node's name, nodeid and ringN_addr/linkN_addr.
export function parseCorosync(text: string, path: string): Corosync {
  const issues: Issue[] = [];
  const stack: string[] = [];
  const res: Corosync = { transport: null, ipVersion: null, nodes: [], issues };
  let node: Corosync['nodes'][number] | null = null;
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const open = /^(\S+)\s*\{$/.exec(line);
    if (open) {
      stack.push(open[1] as string);
      if (stack.join('.') === 'nodelist.node') node = { name: '', nodeid: null, addresses: {} };
      return;
    }
    if (line === '}') {
      if (stack.join('.') === 'nodelist.node' && node) {
        const n: Corosync['nodes'][number] = node;
        if (n.name) res.nodes.push(n);
        else
          issues.push({
            file: path,
            line: idx + 1,
            severity: 'warning',
            code: 'corosync-node-name',
            message: 'corosync node without a name is ignored',
          });
        node = null;
      }
      if (stack.pop() === undefined)
        issues.push({
          file: path,
          line: idx + 1,
          severity: 'error',
          code: 'corosync-syntax',
          message: 'unbalanced "}"',
        });
      return;
    }
    const kv = /^([A-Za-z0-9_]+)\s*:\s*(.*)$/.exec(line);
    if (!kv) {
      issues.push({
        file: path,
        line: idx + 1,
        severity: 'warning',
        code: 'corosync-syntax',
        message: `skipped line "${line}"`,
      });
      return;
    }
    const key = kv[1] as string;
    const value = (kv[2] as string).trim();
    const where = stack.join('.');
    if (where === 'totem' && key === 'transport') res.transport = value;
    if (where === 'totem' && key === 'ip_version') res.ipVersion = value;
    if (where === 'nodelist.node' && node) {
      const n: Corosync['nodes'][number] = node;
      if (key === 'name') n.name = value;
      else if (key === 'nodeid') n.nodeid = Number(value);
      else if (/^(ring|link)\d+_addr$/.test(key)) n.addresses[key] = value;
    }
  });
  if (stack.length > 0)
    issues.push({
      file: path,
      severity: 'error',
      code: 'corosync-syntax',
      message: `unclosed block "${stack.join('.')}"`,
    });
  return res;
}
