import type { SequenceInput, SequencePacket } from './sequence.js';

const isSyn = (p: SequencePacket) => p.dir === 'forward' && /^SYN\b/.test(p.summary) && !/SYN-ACK/.test(p.summary);

// "1 s", "1.5 s": spacing a reader can say out loud.
function seconds(n: number): string {
  const rounded = Math.round(n * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} s`;
}

function attempts(syns: readonly SequencePacket[]): string {
  const n = syns.length;
  const noun = n === 1 ? '1 connection attempt' : `${n} connection attempts`;
  if (n < 2) return noun;
  const gaps = syns.slice(1).map((p, i) => p.t - (syns[i]?.t ?? 0));
  const lo = Math.min(...gaps);
  const hi = Math.max(...gaps);
  if (hi - lo < 0.15) return `${noun} ${seconds(gaps.reduce((a, b) => a + b, 0) / gaps.length)} apart`;
  const times = syns.map((p) => `+${p.t.toFixed(2)} s`);
  return `${noun} (at ${times.slice(0, -1).join(', ')} and ${times.at(-1)})`;
}

function delay(seconds: number): string {
  return seconds < 1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(2)} s`;
}

// One plain sentence under the sequence picture, for readers who do not speak TCP.
export function describeSequence(input: Pick<SequenceInput, 'packets' | 'verdict'>): string {
  const syns = input.packets.filter(isSyn);
  const reply = input.packets.find((p) => p.dir === 'reverse');
  const tries = syns.length > 0 ? attempts(syns) : `${input.packets.length} packets sent`;
  const after = reply ? ` after ${delay(reply.t)}` : '';
  switch (input.verdict) {
    case 'unanswered':
      return `${tries}; no answer came back.`;
    case 'refused':
      return `${tries}; the server refused it${after} with a reset (RST): the packets arrived, but nothing listens on that port.`;
    case 'rejected':
      return `${tries}; a firewall or router answered${after} with "${reply?.summary ?? 'ICMP unreachable'}" and the connection was rejected.`;
    case 'connected':
      return `${tries}; the server answered${after} and the connection was established.`;
    case 'not-seen':
      return 'No packet of this flow was seen at the capture point.';
  }
}
