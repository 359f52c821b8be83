import { randomBytes } from 'node:crypto';
import type { ExecResult } from './ssh.js';

// Several complete commands in one remote shell, one round trip: each runs as it would alone (its own
// timeout(1), its own exit status), and its stdout and stderr come back framed by marker lines that
// carry a random per-batch nonce, so every part is split out exactly and kept as its own evidence.
// The commands are the catalogue's, already quoted; only the nonce (hex) and indexes are added.

export interface Batch {
  nonce: string;
  command: string;
}

export function newNonce(): string {
  return `pveaudit-${randomBytes(16).toString('hex')}`;
}

// Each part's exit status is printed after it: `$?` of a `{ ...; }` group is its command's.
// `after[i] = j` runs part i only if part j exited 0 (a chain such as mkdir -> tcpdump -> wait for it);
// a part left out prints no markers at all, so it reads as never begun.
export function buildBatch(
  commands: readonly string[],
  nonce = newNonce(),
  after: readonly (number | null)[] = [],
): Batch {
  if (!/^pveaudit-[0-9a-f]{32}$/.test(nonce)) throw new Error(`not a batch nonce: ${nonce}`);
  const parts = commands.map((cmd, i) => {
    const dep = after[i] ?? null;
    if (dep !== null && !(Number.isInteger(dep) && dep >= 0 && dep < i))
      throw new Error(`part ${i} cannot wait for ${dep}`);
    const body = [
      `printf '%s ${i} begin\\n' ${nonce}; printf '%s ${i} begin\\n' ${nonce} >&2`,
      `{ ${cmd}\n}`,
      `c=$?; s${i}=$c; printf '\\n%s ${i} end %s\\n' ${nonce} "$c"; printf '\\n%s ${i} end %s\\n' ${nonce} "$c" >&2`,
    ].join('\n');
    return dep === null ? body : `if [ "$s${dep}" = 0 ]; then\n${body}\nfi`;
  });
  return { nonce, command: parts.join('\n') };
}

interface Frame {
  data: Buffer;
  code: number | null; // null: the part began but its end marker never came
}

// Splits one stream into its parts by index; anything outside the markers (a login shell's noise) is ignored.
function frames(buf: Buffer, nonce: string, count: number): Map<number, Frame> {
  const out = new Map<number, Frame>();
  let at = 0;
  for (let i = 0; i < count; i++) {
    const begin = Buffer.from(`${nonce} ${i} begin\n`);
    const b = buf.indexOf(begin, at);
    if (b < 0) continue; // left out (its chain broke) or never reached
    const start = b + begin.length;
    const endMark = Buffer.from(`\n${nonce} ${i} end `);
    const e = buf.indexOf(endMark, start);
    if (e < 0) {
      out.set(i, { data: buf.subarray(start), code: null });
      break;
    }
    const lineEnd = buf.indexOf(0x0a, e + endMark.length);
    const code = Number.parseInt(buf.subarray(e + endMark.length, lineEnd < 0 ? undefined : lineEnd).toString(), 10);
    out.set(i, { data: buf.subarray(start, e), code: Number.isInteger(code) ? code : null });
    at = lineEnd < 0 ? buf.length : lineEnd + 1;
  }
  return out;
}

// One ExecResult per command, as if each had run on its own channel. A part cut short by the
// batch ending (a lost connection, the local safety timer, an abort) carries the batch's flags, as
// does a part that never began.
export function splitBatch(r: ExecResult, batch: Batch, count: number): ExecResult[] {
  const out = frames(r.stdout, batch.nonce, count);
  const err = frames(r.stderr, batch.nonce, count);
  return Array.from({ length: count }, (_, i) => {
    const o = out.get(i);
    const e = err.get(i);
    const code = o?.code ?? null;
    const finished = code !== null;
    return {
      code,
      signal: finished ? null : r.signal,
      stdout: Buffer.from(o?.data ?? Buffer.alloc(0)),
      stderr: Buffer.from(e?.data ?? Buffer.alloc(0)),
      timedOut: finished ? code === 124 || code === 137 : r.timedOut,
      lost: finished ? false : r.lost,
    };
  });
}
