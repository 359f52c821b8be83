import { BAD, BAD_BG, clip, GOOD, GOOD_BG, INK, LINE, MUTED, NAVY, NONE_BG, r, svgOpen, text } from './text.js';

export interface ChainLink {
  label: string; // "Cluster firewall"
  detail: string; // "cluster.fw enable: 1"
  on: boolean;
}

export interface SwitchChainInput {
  title: string; // "VM 1001 portainer", for the picture's accessible name
  links: ChainLink[];
  effective: boolean;
  broken: number | null; // index into links of the first switch that is off
}

const BOX_W = 150;
const BOX_H = 58;
const GAP = 40;
const TOP = 10;

function box(x: number, link: ChainLink, state: 'ok' | 'broken' | 'moot'): string {
  const stroke = state === 'broken' ? BAD : state === 'moot' ? LINE : NAVY;
  const fill = state === 'broken' ? BAD_BG : NONE_BG;
  const pill = link.on ? { t: 'ON', c: GOOD, bg: GOOD_BG } : { t: 'OFF', c: BAD, bg: BAD_BG };
  const fade = state === 'moot' ? ' opacity="0.55"' : '';
  return (
    `<g${fade}>` +
    `<rect x="${r(x)}" y="${TOP}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="${state === 'broken' ? 2.2 : 1.2}"/>` +
    text(x + 10, TOP + 19, clip(link.label, 12), { weight: 'bold', size: 12 }) +
    `<rect x="${r(x + BOX_W - 44)}" y="${TOP + 7}" width="36" height="17" rx="8.5" fill="${pill.bg}" stroke="${pill.c}"/>` +
    text(x + BOX_W - 26, TOP + 20, pill.t, { anchor: 'middle', size: 10, weight: 'bold', fill: pill.c }) +
    text(x + 10, TOP + 42, clip(link.detail, 21), { size: 11, fill: MUTED }) +
    '</g>'
  );
}

function connector(x: number, broken: boolean): string {
  const y = TOP + BOX_H / 2;
  const colour = broken ? BAD : LINE;
  const dash = broken ? ' stroke-dasharray="5 4"' : '';
  const line = `<line x1="${r(x)}" y1="${y}" x2="${r(x + GAP - 8)}" y2="${y}" stroke="${colour}" stroke-width="2"${dash}/>`;
  const head = `<polygon points="${r(x + GAP - 1)},${y} ${r(x + GAP - 10)},${y - 5} ${r(x + GAP - 10)},${y + 5}" fill="${colour}"/>`;
  const cross = broken ? text(x + GAP / 2, y - 8, '✕', { anchor: 'middle', size: 14, weight: 'bold', fill: BAD }) : '';
  return line + head + cross;
}

function outcome(x: number, effective: boolean): string {
  const c = effective ? GOOD : BAD;
  return (
    `<rect x="${r(x)}" y="${TOP}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="${effective ? GOOD_BG : BAD_BG}" stroke="${c}" stroke-width="2"/>` +
    text(x + BOX_W / 2, TOP + 22, 'Rules applied?', { anchor: 'middle', weight: 'bold', size: 12, fill: INK }) +
    text(x + BOX_W / 2, TOP + 43, effective ? 'yes: filtered' : 'no: unfiltered', {
      anchor: 'middle',
      weight: 'bold',
      size: 12,
      fill: c,
    })
  );
}

// cluster -> guest .fw -> NIC flag -> effective: every switch must be on for a guest's rules to apply.
export function switchChainSvg(input: SwitchChainInput): string {
  const n = input.links.length;
  const width = (n + 1) * BOX_W + n * GAP + 2;
  const brokenNote = input.broken === null ? 0 : 18;
  const height = TOP + BOX_H + 10 + brokenNote;
  const parts = [svgOpen(width, height, `Firewall switches for ${input.title}`)];
  input.links.forEach((link, i) => {
    const x = 1 + i * (BOX_W + GAP);
    const state = input.broken === null || i < input.broken ? 'ok' : i === input.broken ? 'broken' : 'moot';
    parts.push(box(x, link, state));
    parts.push(connector(x + BOX_W, input.broken !== null && i >= input.broken));
    if (i === input.broken) {
      parts.push(
        text(x + BOX_W / 2, TOP + BOX_H + 18, 'chain broken here', {
          anchor: 'middle',
          size: 11,
          weight: 'bold',
          fill: BAD,
        }),
      );
    }
  });
  parts.push(outcome(1 + n * (BOX_W + GAP), input.effective));
  parts.push('</svg>');
  return parts.join('');
}
