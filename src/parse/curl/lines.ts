// Splits `curl -v ... 2>&1` output into typed lines. The progress meter shares lines with curl's
// own messages (it ends with \r, not \n, so "  0 ... --:--:--     0*   Trying ..." is one line);
// its columns are stripped so the message behind them is read.

export type CurlLineKind = 'info' | 'request' | 'response' | 'data' | 'error' | 'other';

export interface CurlLine {
  kind: CurlLineKind;
  text: string; // without the "* ", "> ", "< " marker and without \r
  line: number; // 1-based line in the input
}

const SIZE = String.raw`[\d.]+[kMGTP]?`;
const TIME = String.raw`[-:\d]+`;
const PROGRESS = new RegExp(
  String.raw`^\s*\d{1,3}\s+${SIZE}\s+\d{1,3}\s+${SIZE}\s+\d{1,3}\s+${SIZE}\s+${SIZE}\s+${SIZE}\s+${TIME}\s+${TIME}\s+${TIME}\s+${SIZE}`,
);
const PROGRESS_HEADER = /^\s*(% Total\s+% Received|Dload\s+Upload\s+Total)/;

function stripProgress(segment: string): string | null {
  if (PROGRESS_HEADER.test(segment)) return null;
  const m = PROGRESS.exec(segment);
  if (!m) return segment;
  const rest = segment.slice(m[0].length);
  return rest.length > 0 ? rest : null;
}

function classify(text: string, line: number): CurlLine {
  if (text.startsWith('* ') || text === '*') return { kind: 'info', text: text.slice(2), line };
  if (text.startsWith('> ') || text === '>') return { kind: 'request', text: text.slice(2), line };
  if (text.startsWith('< ') || text === '<') return { kind: 'response', text: text.slice(2), line };
  if (/^[{}] \[\d+ bytes data\]/.test(text)) return { kind: 'data', text, line };
  if (/^curl: \(\d+\)/.test(text)) return { kind: 'error', text, line };
  return { kind: 'other', text, line };
}

export function curlLines(text: string): CurlLine[] {
  const out: CurlLine[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    for (const seg of raw[i]!.split('\r')) {
      const s = stripProgress(seg);
      if (s === null || s.length === 0) continue;
      out.push(classify(s, i + 1));
    }
  }
  return out;
}
