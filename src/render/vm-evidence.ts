import type { Report } from '../schema/report.js';
import { formatMs } from './time.js';

export interface RenderContext {
  // evidence path -> text (null for binary such as pcaps); the caller caps the size and marks truncation
  evidenceText: Record<string, string | null>;
}

const SHORT_LINES = 30;

function bytes(n: number | undefined): string {
  if (n === undefined) return 'n/a';
  if (n < 1024) return `${n} B`;
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function evidenceView(report: Report, ctx: RenderContext) {
  return report.evidence.map((e, i) => {
    const has = Object.hasOwn(ctx.evidenceText, e.path);
    const text = has ? ctx.evidenceText[e.path] : undefined;
    const lines = typeof text === 'string' ? text.split('\n').length : 0;
    return {
      anchor: `ev-${i + 1}`,
      number: i + 1,
      path: e.path,
      command: e.command ?? 'n/a (file read)',
      step: e.step ?? 'n/a',
      exitCode: e.exitCode === null ? 'n/a' : String(e.exitCode),
      exitOk: e.exitCode === 0,
      timedOut: e.timedOut === true,
      duration: formatMs(e.durationMs),
      sha256: e.sha256,
      size: e.bytes === undefined ? 'n/a' : `${bytes(e.bytes)} (${e.bytes} bytes)`,
      text: typeof text === 'string' ? text.replace(/\n$/, '') : null,
      empty: text === '',
      binary: text === null,
      missing: !has,
      // Short outputs stay on one page with their heading; long ones flow and wrap.
      short: lines <= SHORT_LINES,
    };
  });
}
