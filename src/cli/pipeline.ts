import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { analyse } from '../analyse/index.js';
import { type Bundle, readBundle, runId } from '../bundle/index.js';
import { loadIntent, loadPhoenix } from '../intent/load.js';
import { PHOENIX_FILES } from '../intent/phoenix-schema.js';
import type { LoadedIntent } from '../intent/schema.js';
import { UsageError } from '../lib/errors.js';
import { sha256 } from '../lib/hash.js';
import { parseBundle } from '../parse/index.js';
import { type Format, openPdfPrinter, type PdfPrinter, renderAll } from '../render/index.js';
import type { EvidenceRef, Report } from '../schema/report.js';

// The default; summary (the ticket summary) is written only when asked for.
export const ALL_FORMATS: readonly Format[] = ['html', 'pdf', 'json', 'md'];
const KNOWN_FORMATS: readonly Format[] = [...ALL_FORMATS, 'summary'];

// "html,pdf" -> ['html', 'pdf'], rejecting unknown names with the list of valid ones.
export function parseFormats(list: string | undefined): Format[] {
  if (list === undefined) return [...ALL_FORMATS];
  if (list.trim() === '') throw new UsageError(`--format is empty: use one or more of ${KNOWN_FORMATS.join(', ')}`);
  const out: Format[] = [];
  for (const raw of list.split(',')) {
    const f = raw.trim() as Format;
    if (!KNOWN_FORMATS.includes(f)) throw new UsageError(`unknown format "${raw}": use ${KNOWN_FORMATS.join(', ')}`);
    if (!out.includes(f)) out.push(f);
  }
  return out;
}

// Bundle dir -> Report, offline: parse the evidence, load the intent, analyse.
// A live run copies the intent it was given into the bundle (evidence/intent/<file>, or
// evidence/intent/phoenix/<the three JSON files>) and calls writer.seal() before calling this,
// so the same bundle re-renders identically later without the original files.
export async function analyseBundleDir(
  dir: string,
  opts: { intentPath?: string; rerun?: string } = {},
): Promise<Report> {
  const bundle = await readBundle(dir);
  const { facts, files } = await parseBundle(bundle);
  const intent = await resolveIntent(bundle, opts.intentPath);
  const { manifest } = bundle;
  const started = new Date(manifest.startedAt);
  const report = analyse(facts, intent, {
    startedAt: manifest.startedAt,
    finishedAt: manifest.finishedAt,
    evidence: evidenceRefs(bundle),
    reportId: `${manifest.host.name}-${runId(started)}`,
    evidenceDigest: evidenceDigest(bundle),
    incompleteSteps: facts.missing,
    files,
    rerun: opts.rerun,
  });
  return { ...report, intentFile: await intentRecord(bundle, opts.intentPath) };
}

// Which intent the verdicts rest on, with a digest: one from the bundle is covered by the evidence
// digest; one given to `render --intent` is not, and the report must say so.
async function intentRecord(bundle: Bundle, explicit?: string): Promise<Report['intentFile']> {
  if (explicit) {
    // a Phoenix directory: exactly the files the importer reads
    const files = (await isDirectory(explicit))
      ? Object.values(PHOENIX_FILES)
          .sort()
          .map((n) => join(explicit, n))
      : [explicit];
    const parts = await Promise.all(files.map(async (f) => `${sha256(await readFile(f))}  ${basename(f)}\n`));
    return { path: resolve(explicit), sha256: sha256(parts.join('')), inEvidence: false };
  }
  const entries = bundle.manifest.evidence.filter((e) => e.path.startsWith('intent/'));
  if (entries.length === 0) return null;
  const digest = sha256(entries.map((e) => `${e.sha256}  ${e.path}\n`).join(''));
  const path = entries.length === 1 ? (entries[0]?.path ?? 'intent/') : 'intent/phoenix';
  return { path: `evidence/${path}`, sha256: digest, inEvidence: true };
}

// --intent names a native intent file or a Phoenix directory.
const isDirectory = async (path: string) => (await stat(path).catch(() => null))?.isDirectory() ?? false;

async function resolveIntent(bundle: Bundle, explicit?: string): Promise<LoadedIntent | null> {
  if (explicit) {
    return (await isDirectory(explicit)) ? loadPhoenix(explicit) : loadIntent(explicit);
  }
  // A run stores the intent it compared against, so re-rendering needs nothing but the bundle.
  const paths = bundle.manifest.evidence.map((e) => e.path);
  const native = paths.find((p) => /^intent\/[^/]+\.(ya?ml|json)$/.test(p));
  if (native) return loadIntent(bundle.absolute(native));
  const phoenix = paths.find((p) => p.startsWith('intent/phoenix/'));
  if (phoenix) return loadPhoenix(dirname(bundle.absolute(phoenix)));
  return null;
}

function evidenceRefs(bundle: Bundle): EvidenceRef[] {
  const steps = bundle.manifest.steps;
  return bundle.manifest.evidence.map((e) => {
    const step = steps.find((s) => s.id === e.step) ?? steps.find((s) => s.outputs.includes(e.path));
    const duration = step ? Date.parse(step.finishedAt) - Date.parse(step.startedAt) : null;
    return {
      path: e.path,
      sha256: e.sha256,
      step: step?.id ?? e.step,
      command: step?.command ?? null,
      exitCode: step?.exitCode ?? null,
      bytes: e.bytes,
      durationMs: duration !== null && Number.isFinite(duration) ? duration : null,
      timedOut: step?.timedOut ?? false,
    };
  });
}

// One digest a reviewer can sign: it changes if any evidence byte changes.
export function evidenceDigest(bundle: Bundle): string {
  const lines = bundle.manifest.evidence.map((e) => `${e.sha256}  ${e.path}\n`).sort();
  return sha256(lines.join(''));
}

const TEXT_LIMIT = 256 * 1024;

// Evidence text for the appendix: binary files (pcaps) are null, long outputs are capped and marked.
export async function evidenceTexts(bundle: Bundle): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const e of bundle.manifest.evidence) {
    const buf = await bundle.read(e.path);
    if (buf === null || buf.includes(0)) {
      out[e.path] = null;
      continue;
    }
    const text = buf.subarray(0, TEXT_LIMIT).toString('utf8');
    out[e.path] =
      buf.length > TEXT_LIMIT ? `${text}\n[... ${buf.length - TEXT_LIMIT} more bytes in evidence/${e.path}]` : text;
  }
  return out;
}

export type Paper = 'A4' | 'Letter';

// "--paper letter" -> 'Letter'; A4 unless asked otherwise.
export function parsePaper(value: string | undefined): Paper {
  if (value === undefined) return 'A4';
  const v = value.trim().toLowerCase();
  if (v === 'a4') return 'A4';
  if (v === 'letter') return 'Letter';
  throw new UsageError(`unknown paper size "${value}": use a4 or letter`);
}

export async function openPrinterIfNeeded(formats: readonly Format[]): Promise<PdfPrinter | undefined> {
  return formats.includes('pdf') || formats.includes('summary') ? openPdfPrinter() : undefined;
}

// Report -> file name -> content, for the caller to write (or hand to BundleWriter.finish).
export async function writeReports(
  dir: string,
  report: Report,
  formats: readonly Format[],
  printer?: PdfPrinter,
  paper: Paper = 'A4',
): Promise<Record<string, Buffer | string>> {
  // Only the HTML (and the PDF printed from it) shows evidence text: json and md never read it back.
  const shown = formats.includes('html') || formats.includes('pdf');
  const evidenceText = shown ? await evidenceTexts(await readBundle(dir)) : {};
  return renderAll(report, { evidenceText }, [...formats], printer, { paper });
}
