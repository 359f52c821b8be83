import {
  BAD,
  BAD_BG,
  clip,
  GOOD,
  GOOD_BG,
  INK,
  LINE,
  MUTED,
  NAVY,
  NONE_BG,
  r,
  svgOpen,
  text,
  WARN,
  WARN_BG,
} from './text.js';

// good = what was intended, bad = contradicts the intent, warn = partly, none = nothing to compare.
export type Tone = 'good' | 'bad' | 'warn' | 'none' | 'neutral';

export interface MatrixCell {
  label: string;
  tone: Tone;
}

export interface MatrixRow {
  name: string;
  route: string; // "ct102 → vm1001 tcp/443"
  intended: MatrixCell;
  simulated: MatrixCell;
  live: MatrixCell;
  observed: MatrixCell;
  verdict: MatrixCell;
}

const NAME_W = 180;
const COL_W = 124;
const VERDICT_W = 130;
const HEAD = 34;
const ROW = 44;

const TONES: Record<Tone, { fg: string; bg: string }> = {
  good: { fg: GOOD, bg: GOOD_BG },
  bad: { fg: BAD, bg: BAD_BG },
  warn: { fg: WARN, bg: WARN_BG },
  none: { fg: MUTED, bg: '#ffffff' },
  neutral: { fg: NAVY, bg: NONE_BG },
};

function pill(cx: number, cy: number, w: number, cell: MatrixCell): string {
  const t = TONES[cell.tone];
  const dash = cell.tone === 'none' ? ' stroke-dasharray="3 3"' : '';
  return (
    `<rect x="${r(cx - w / 2)}" y="${r(cy - 12)}" width="${r(w)}" height="24" rx="12" fill="${t.bg}" stroke="${t.fg}"${dash}/>` +
    text(cx, cy + 4, clip(cell.label, Math.floor(w / 6.8)), { anchor: 'middle', size: 11, weight: 'bold', fill: t.fg })
  );
}

// One row per flow: intended vs simulated (config) vs live (kernel) vs observed (wire), coloured by agreement
// with the intent, so the three sources of truth sit side by side.
const HEADS = ['Intended', 'Simulated (config)', 'Live (kernel)', 'Observed (wire)'] as const;

export function flowMatrixSvg(rows: readonly MatrixRow[]): string {
  const width = NAME_W + HEADS.length * COL_W + VERDICT_W + 2;
  const height = HEAD + Math.max(rows.length, 1) * ROW + 4;
  const cols = [...HEADS.map((_, i) => NAME_W + i * COL_W), NAME_W + HEADS.length * COL_W];
  const heads = [...HEADS, 'Verdict'];
  const verdictCol = HEADS.length;
  const parts = [
    svgOpen(width, height, 'Flow matrix: intended, simulated, live and observed outcome per flow'),
    `<rect x="0" y="0" width="${r(width)}" height="${HEAD}" fill="${NAVY}"/>`,
    text(10, 21, 'Flow', { size: 12, weight: 'bold', fill: '#ffffff' }),
  ];
  heads.forEach((h, i) => {
    const w = i === verdictCol ? VERDICT_W : COL_W;
    parts.push(text((cols[i] ?? 0) + w / 2, 21, h, { anchor: 'middle', size: 11, weight: 'bold', fill: '#ffffff' }));
  });
  rows.forEach((row, i) => {
    const y = HEAD + i * ROW;
    if (i % 2 === 1) parts.push(`<rect x="0" y="${y}" width="${r(width)}" height="${ROW}" fill="#f7f9fb"/>`);
    parts.push(`<line x1="0" y1="${y + ROW}" x2="${r(width)}" y2="${y + ROW}" stroke="${LINE}" stroke-width="0.6"/>`);
    parts.push(text(10, y + 18, clip(row.name, 28), { size: 12, weight: 'bold', fill: INK }));
    parts.push(text(10, y + 34, clip(row.route, 32), { size: 10.5, fill: MUTED }));
    const cells = [row.intended, row.simulated, row.live, row.observed];
    cells.forEach((cell, c) => {
      parts.push(pill((cols[c] ?? 0) + COL_W / 2, y + ROW / 2, COL_W - 14, cell));
    });
    parts.push(pill((cols[verdictCol] ?? 0) + VERDICT_W / 2, y + ROW / 2, VERDICT_W - 14, row.verdict));
  });
  if (rows.length === 0)
    parts.push(text(width / 2, HEAD + 26, 'no flows in this report', { anchor: 'middle', fill: MUTED }));
  parts.push('</svg>');
  return parts.join('');
}
