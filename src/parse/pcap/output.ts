import type { CaptureFlow } from '../../schema/observe.js';
import type { FlowState } from './flow-state.js';
import { protoName } from './names.js';
import { isoTime } from './time.js';
import { noteFor, verdictOf } from './verdict.js';

// FlowState (internal, mutable) -> CaptureFlow (schema).

function hostPort(addr: string, version: number, port: number | null): string {
  if (port === null) return addr;
  return version === 6 ? `[${addr}]:${port}` : `${addr}:${port}`;
}

export function toCaptureFlow(f: FlowState, nanosecond: boolean, capturePoint: string | null): CaptureFlow {
  const proto = protoName(f.proto);
  const ported = proto === 'tcp' || proto === 'udp' || (proto === 'other' && f.clientPort >= 0);
  const sport = ported && f.clientPort >= 0 ? f.clientPort : null;
  const dport = ported && f.serverPort >= 0 ? f.serverPort : null;
  const verdict = verdictOf(f);
  const tls = f.tls;
  return {
    key: `${proto} ${hostPort(f.client, f.version, sport)} > ${hostPort(f.server, f.version, dport)}`,
    proto,
    client: f.client,
    server: f.server,
    sport,
    dport,
    syn: f.syn,
    synAck: f.synAck,
    rstFrom: f.rstFrom,
    rst: f.rst,
    icmpUnreachable: f.icmpUnreachable,
    icmpCode: f.icmpCode,
    handshakeCompleted: f.handshake,
    bytesToServer: f.bytes[0]!,
    bytesToClient: f.bytes[1]!,
    sni: tls?.sni ?? null,
    serverCertificateSeen: tls?.certificate ?? false,
    firstSeen: isoTime(f.firstSec, f.firstFrac, nanosecond),
    lastSeen: isoTime(f.lastSec, f.lastFrac, nanosecond),
    verdict,
    events: f.events,
    synTimes: f.synTimes,
    retransmissions: f.retransmissions,
    icmpFrom: f.icmpFrom,
    tlsVersion: tls?.version ?? null,
    serverAnsweredTls: tls ? tls.serverHello && (tls.certificate || tls.serverEncrypted) : false,
    ...(tls?.clientHello
      ? { certificateVisibility: tls.certificate ? 'seen' : tls.serverHello ? 'encrypted' : 'none' }
      : {}),
    packets: f.packets,
    note: noteFor(f, verdict, capturePoint),
  };
}
