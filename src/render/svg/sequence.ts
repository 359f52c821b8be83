import { formatOffset } from '../time.js';
import { BAD, BAD_BG, clip, GOOD, INK, LINE, MUTED, NAVY, NONE_BG, r, svgOpen, text, WARN } from './text.js';

export interface SequencePacket {
  t: number; // seconds since the first packet
  dir: 'forward' | 'reverse';
  summary: string;
  retransmission: boolean;
}

export interface SequenceInput {
  client: { label: string; detail: string };
  server: { label: string; detail: string };
  packets: SequencePacket[];
  verdict: 'unanswered' | 'refused' | 'rejected' | 'connected' | 'not-seen';
  maxPackets?: number; // long conversations are cut here, with a note saying how many were left out
}

const W = 680;
const CLIENT_X = 200;
const SERVER_X = 580;
const HEAD_H = 46;
const TOP = 96;
const ROW = 44;

// What the client was waiting for, named the way a capture would name it.
export function expectedReply(packets: readonly SequencePacket[]): string {
  const first = packets.find((p) => p.dir === 'forward');
  return first && /^SYN\b/.test(first.summary) && !/SYN-ACK/.test(first.summary) ? 'SYN-ACK' : 'reply';
}

function arrow(y: number, fromX: number, toX: number, colour: string, dashed: boolean): string {
  const dir = toX > fromX ? 1 : -1;
  const tip = toX - dir * 2;
  const dash = dashed ? ' stroke-dasharray="7 5"' : '';
  return (
    `<line x1="${r(fromX)}" y1="${r(y)}" x2="${r(tip - dir * 9)}" y2="${r(y)}" stroke="${colour}" stroke-width="2"${dash}/>` +
    `<polygon points="${r(tip)},${r(y)} ${r(tip - dir * 11)},${r(y - 5)} ${r(tip - dir * 11)},${r(y + 5)}" fill="${colour}"/>`
  );
}

function packetColour(p: SequencePacket): string {
  if (p.dir === 'forward') return p.retransmission ? WARN : NAVY;
  return /RST|unreach|ICMP/i.test(p.summary) ? BAD : GOOD;
}

function header(x: number, end: { label: string; detail: string }): string {
  return (
    `<rect x="${r(x - 92)}" y="8" width="184" height="${HEAD_H}" rx="6" fill="${NONE_BG}" stroke="${NAVY}" stroke-width="1.2"/>` +
    text(x, 28, clip(end.label, 26), { anchor: 'middle', weight: 'bold', size: 13 }) +
    text(x, 45, clip(end.detail, 30), { anchor: 'middle', fill: MUTED, size: 11 })
  );
}

function packetRow(p: SequencePacket, y: number, retryNo: number): string {
  const fromX = p.dir === 'forward' ? CLIENT_X : SERVER_X;
  const toX = p.dir === 'forward' ? SERVER_X : CLIENT_X;
  const colour = packetColour(p);
  const label = p.retransmission ? `${p.summary} · retransmission ${retryNo}` : p.summary;
  return (
    text(CLIENT_X - 18, y + 4, formatOffset(p.t), { anchor: 'end', fill: MUTED, size: 12 }) +
    arrow(y, fromX, toX, colour, p.retransmission) +
    text((CLIENT_X + SERVER_X) / 2, y - 8, clip(label, 48), {
      anchor: 'middle',
      size: 12,
      fill: colour === NAVY ? INK : colour,
      weight: p.retransmission ? 'normal' : 'bold',
    })
  );
}

// The gap where an answer should have been: a red band the eye cannot miss.
function missingBand(y: number, reply: string): string {
  return (
    `<rect x="${r(CLIENT_X)}" y="${r(y - 20)}" width="${r(SERVER_X - CLIENT_X)}" height="40" fill="${BAD_BG}" stroke="${BAD}" stroke-width="1.2" stroke-dasharray="5 4"/>` +
    arrow(y + 6, SERVER_X - 6, CLIENT_X + 6, BAD, true) +
    text(SERVER_X + 14, y + 11, '✕', { size: 16, fill: BAD, weight: 'bold' }) +
    text((CLIENT_X + SERVER_X) / 2, y - 4, `no ${reply} came back`, {
      anchor: 'middle',
      weight: 'bold',
      fill: BAD,
      size: 12,
    })
  );
}

// A two-lifeline picture of one flow's packets: who sent what, when, and what never came back.
export function sequenceSvg(input: SequenceInput): string {
  const max = input.maxPackets ?? 24;
  const shown = input.packets.slice(0, max);
  const hidden = input.packets.length - shown.length;
  const unanswered = input.verdict === 'unanswered' || input.verdict === 'not-seen';
  const rows = shown.length + (hidden > 0 ? 1 : 0) + (unanswered ? 1 : 0);
  const height = TOP + Math.max(rows, 1) * ROW + 8;
  const parts: string[] = [
    svgOpen(W, height, `Packet sequence between ${input.client.label} and ${input.server.label}`),
    header(CLIENT_X, input.client),
    header(SERVER_X, input.server),
    `<line x1="${CLIENT_X}" y1="${8 + HEAD_H}" x2="${CLIENT_X}" y2="${r(height - 4)}" stroke="${LINE}" stroke-width="2"/>`,
    `<line x1="${SERVER_X}" y1="${8 + HEAD_H}" x2="${SERVER_X}" y2="${r(height - 4)}" stroke="${LINE}" stroke-width="2"/>`,
    text(CLIENT_X - 18, TOP - 22, 'time', { anchor: 'end', fill: MUTED, size: 11, italic: true }),
  ];
  let y = TOP;
  let retries = 0;
  for (const p of shown) {
    if (p.retransmission) retries += 1;
    parts.push(packetRow(p, y, retries));
    y += ROW;
  }
  if (hidden > 0) {
    parts.push(
      text((CLIENT_X + SERVER_X) / 2, y, `… ${hidden} more packets not drawn`, {
        anchor: 'middle',
        fill: MUTED,
        italic: true,
      }),
    );
    y += ROW;
  }
  if (input.verdict === 'unanswered') {
    parts.push(missingBand(y, expectedReply(shown)));
  } else if (input.verdict === 'not-seen') {
    parts.push(
      text((CLIENT_X + SERVER_X) / 2, y, 'no packet of this flow was captured', {
        anchor: 'middle',
        fill: BAD,
        weight: 'bold',
      }),
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
