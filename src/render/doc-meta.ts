import type { Report } from '../schema/report.js';
import { formatUtc } from './time.js';

export interface DocumentMeta {
  title: string;
  author: string;
  subject: string;
  headerLeft: string;
  headerRight: string;
}

// One place for the words that name the document: <title>, <meta>, the PDF Info dictionary and page headers.
export function documentMeta(report: Report): DocumentMeta {
  const id = report.id ?? `${report.host.name} ${report.startedAt}`;
  return {
    title: `Firewall audit: ${report.host.name}, ${formatUtc(report.startedAt)}`,
    author: `${report.tool.name} ${report.tool.version}`,
    subject: `Proxmox VE firewall and guest connectivity audit of ${report.host.name} (report ${id})`,
    headerLeft: `${report.host.name}${report.host.node && report.host.node !== report.host.name ? ` (node ${report.host.node})` : ''}`,
    headerRight: `Report ${id}`,
  };
}
