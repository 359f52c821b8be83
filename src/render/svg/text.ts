import { escapeXml } from '../escape.js';

// Shared drawing vocabulary, so the three pictures look like one family.
export const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
export const INK = '#1f2933';
export const MUTED = '#616e7c';
export const LINE = '#9aa5b1';
export const NAVY = '#243b53';
export const GOOD = '#2f855a';
export const GOOD_BG = '#e6f4ea';
export const BAD = '#c53030';
export const BAD_BG = '#fdecea';
export const WARN = '#b7791f';
export const WARN_BG = '#fdf6e3';
export const NONE_BG = '#f0f4f8';

export interface TextOpts {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold';
  fill?: string;
  italic?: boolean;
}

export function text(x: number, y: number, value: string, o: TextOpts = {}): string {
  const attrs = [
    `x="${r(x)}"`,
    `y="${r(y)}"`,
    `font-size="${o.size ?? 12}"`,
    `text-anchor="${o.anchor ?? 'start'}"`,
    `fill="${o.fill ?? INK}"`,
  ];
  if (o.weight === 'bold') attrs.push('font-weight="bold"');
  if (o.italic) attrs.push('font-style="italic"');
  return `<text ${attrs.join(' ')}>${escapeXml(value)}</text>`;
}

// Round coordinates so output stays short and byte-stable.
export function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

// Inline SVG in HTML needs no xmlns, which keeps the document free of any URL it did not get from the report.
export function svgOpen(width: number, height: number, label: string): string {
  return (
    `<svg viewBox="0 0 ${r(width)} ${r(height)}" width="${r(width)}" height="${r(height)}" ` +
    `role="img" aria-label="${escapeXml(label)}" font-family="${FONT}" class="figure-svg">` +
    `<title>${escapeXml(label)}</title>`
  );
}

// Cut long labels so they never spill out of their box; the full text is in the tables.
export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, Math.max(1, max - 1))}…`;
}
