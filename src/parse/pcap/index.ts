import type { Issue } from '../../schema/common.js';
import type { CaptureAnalysis } from '../../schema/observe.js';
import { FlowTable } from './flows.js';
import { toCaptureFlow } from './output.js';
import { PcapDecoder } from './reader.js';
import { isoTime } from './time.js';

// Reads a classic pcap (streamed or whole) into per-flow observations. Never throws on bad input:
// what could be read comes back, with issues saying what could not.

export { DecodedPacket } from './packet.js';
export { type PacketHandler, PcapDecoder } from './reader.js';
export { summariseFlowForReport } from './summary.js';

export interface AnalyseOptions {
  file: string; // evidence path, for issues
  hosts?: string[]; // keep only flows with one of these addresses at either end
  capturePoint?: string; // e.g. "vmbr0": named in each flow's note
}

export async function analyseCapture(
  source: AsyncIterable<Buffer | string> | Buffer,
  opts: AnalyseOptions,
): Promise<CaptureAnalysis> {
  let decoder: PcapDecoder | null = null;
  const table = new FlowTable(opts.hosts, () => decoder?.nanosecond ?? false);
  decoder = new PcapDecoder(opts.file, (p) => table.add(p));
  const extra: Issue[] = [];
  if (Buffer.isBuffer(source)) decoder.push(source);
  else {
    try {
      for await (const chunk of source) {
        decoder.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
        if (decoder.stopped) break;
      }
    } catch (err) {
      extra.push({
        file: opts.file,
        severity: 'error',
        code: 'pcap-read-failed',
        message: `reading the capture failed after ${decoder.packets} packets: ${(err as Error).message}`,
      });
    }
  }
  decoder.end();
  return finish(decoder, table, opts, extra);
}

function finish(d: PcapDecoder, table: FlowTable, opts: AnalyseOptions, extra: Issue[]): CaptureAnalysis {
  const issues = [...d.issues, ...extra];
  const warn = (code: string, message: string) => issues.push({ file: opts.file, severity: 'warning', code, message });
  if (table.overflowFlows > 0)
    warn(
      'pcap-too-many-flows',
      `${table.overflowFlows} packets belong to flows beyond the first ${table.flows.length}; they were not analysed`,
    );
  if (table.eventsDropped)
    warn(
      'pcap-events-capped',
      'too many packets to keep every flow’s packet list; later flows have counts but no packet list',
    );
  const cp = opts.capturePoint ?? null;
  return {
    file: opts.file,
    linkType: d.linkType,
    format: d.format,
    nanosecond: d.nanosecond,
    packets: d.packets,
    firstPacket: d.firstSec >= 0 ? isoTime(d.firstSec, d.firstFrac, d.nanosecond) : null,
    lastPacket: d.lastSec >= 0 ? isoTime(d.lastSec, d.lastFrac, d.nanosecond) : null,
    flows: table.flows.map((f) => toCaptureFlow(f, d.nanosecond, cp)),
    issues,
    nonIpPackets: table.nonIp,
    filteredPackets: table.filtered,
    capturePoint: cp,
  };
}
