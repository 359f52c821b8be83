import type { CaptureFlow } from '../../schema/observe.js';
import type { FlowState } from './flow-state.js';
import { icmpSummary } from './names.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP } from './transport.js';

// What a flow's packets say happened, and what the capture point could not see.

export type Verdict = CaptureFlow['verdict'];

export function verdictOf(f: FlowState): Verdict {
  if (f.proto === PROTO_TCP) {
    if (f.handshake || f.synAck > 0) return 'connected';
    if (f.icmpUnreachable > 0) return 'rejected';
    if (f.rstFrom === 'server') return 'refused';
    if (f.syn === 0 && f.sawData[1]) return 'connected'; // capture started mid-connection
    return 'unanswered';
  }
  if (f.sawData[1]) return 'connected';
  if (f.icmpUnreachable > 0) return 'rejected';
  return 'unanswered';
}

function where(capturePoint: string | null): string {
  return capturePoint ? `on ${capturePoint}` : 'at this capture point';
}

const BRIDGE =
  'A capture on the bridge (vmbr0) sees a packet before the destination guest’s firewall bridge decides on it, and cannot see what happens after that point.';

export function noteFor(f: FlowState, verdict: Verdict, capturePoint: string | null): string {
  const at = where(capturePoint);
  const tcp = f.proto === PROTO_TCP;
  switch (verdict) {
    case 'unanswered':
      if (tcp && f.syn === 0)
        return `No SYN and no reply seen ${at}: the capture started after this connection opened, or saw one direction only.`;
      return tcp
        ? `${f.syn} SYN${f.syn === 1 ? '' : 's'} seen ${at} with no SYN-ACK, RST or ICMP reply. ${BRIDGE} So the SYN was dropped after this point (a guest firewall DROP, a filter inside the guest) or never answered (nothing listening that replies, no route back); the capture alone cannot tell which.`
        : `Packets from the client seen ${at} with no reply and no ICMP error. ${BRIDGE} A silent DROP after this point and a service that does not answer look the same here.`;
    case 'refused':
      return `The server side answered the SYN with a RST ${at}. Proxmox’s PVEFW-reject answers TCP with a reset too, so at a bridge capture a firewall REJECT looks exactly like a closed port; the simulation, or a capture inside the guest, tells them apart.`;
    case 'rejected': {
      const kind = icmpSummary(f.version === 6 ? PROTO_ICMPV6 : PROTO_ICMP, f.version === 6 ? 1 : 3, f.icmpCode ?? -1);
      const from = f.icmpFrom === f.server ? 'the destination address itself' : (f.icmpFrom ?? 'an unknown sender');
      return `${kind} from ${from}, quoting this flow, seen ${at}: something on the path rejected it, such as an iptables REJECT (Proxmox’s PVEFW-reject sends ICMP port-unreachable for non-TCP traffic and a reset for TCP) or a host or router without a route.`;
    }
    case 'connected': {
      if (!tcp)
        return `Replies from the server side seen ${at}: the path and the firewalls let this flow through when the capture ran.`;
      const hs = f.handshake
        ? 'The TCP handshake completed'
        : f.synAck > 0
          ? 'The server answered with a SYN-ACK (the client’s final ACK was not captured)'
          : 'Both sides sent packets (the handshake was before the capture started)';
      return `${hs} ${at}: the path and the firewalls let this flow through when the capture ran.${tlsNote(f)}`;
    }
    default:
      return `Not seen ${at}.`;
  }
}

function tlsNote(f: FlowState): string {
  const t = f.tls;
  if (!t?.clientHello) return '';
  const sni = t.sni ? ` (SNI ${t.sni})` : '';
  if (t.certificate)
    return ` TLS: ClientHello${sni}, the server sent its certificate in clear (${t.version ?? 'TLS'}).`;
  if (t.serverHello && t.serverEncrypted)
    return ` TLS: ClientHello${sni}, the server answered with ${t.version ?? 'TLS'}; its certificate is encrypted in TLS 1.3, so whether it was accepted shows only in the client’s own output (curl -v).`;
  if (t.alert !== null) return ` TLS: ClientHello${sni}, the server answered with alert ${t.alert}.`;
  return ` TLS: ClientHello${sni} sent, no server TLS reply captured.`;
}
