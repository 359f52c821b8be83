import { BrowserError } from '../lib/errors.js';

// Chromium writes only Title (from <title>) into the PDF's Info dictionary. We add Author and Subject
// with an incremental update (PDF 1.7 §7.5.6): a new Info object, a one-entry xref section and a
// trailer pointing back at the previous one. The original bytes stay untouched.

export type PdfInfo = Partial<Record<'Title' | 'Author' | 'Subject' | 'Keywords', string>>;

const KEPT = ['Creator', 'Producer', 'CreationDate', 'ModDate'] as const;

// UTF-16BE with a byte order mark, hex-encoded: any text survives, no escaping rules to get wrong.
export function pdfTextString(value: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < value.length; i++) hex += value.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

function lastMatch(re: RegExp, s: string): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  for (const m of s.matchAll(re)) last = m as RegExpExecArray;
  return last;
}

function oldInfoEntries(pdf: string, ref: string | undefined): string[] {
  if (!ref) return [];
  const [num, gen] = ref.split(/\s+/);
  const obj = lastMatch(new RegExp(`(?:^|[\\r\\n])${num}\\s+${gen}\\s+obj\\s*<<([\\s\\S]*?)>>\\s*endobj`, 'g'), pdf);
  if (!obj) return [];
  const body = obj[1] ?? '';
  return KEPT.flatMap((key) => {
    const m = new RegExp(`/${key}\\s*(\\((?:\\\\.|[^\\\\)])*\\)|<[0-9A-Fa-f\\s]*>)`).exec(body);
    return m ? [`/${key} ${m[1]}`] : [];
  });
}

export function setPdfInfo(pdf: Buffer, info: PdfInfo): Buffer {
  const text = pdf.toString('latin1');
  const startxref = lastMatch(/startxref\s+(\d+)/g, text);
  const trailer = lastMatch(/trailer\s*<<([\s\S]*?)>>\s*startxref/g, text);
  const size = trailer ? /\/Size\s+(\d+)/.exec(trailer[1] ?? '') : null;
  const root = trailer ? /\/Root\s+(\d+\s+\d+\s+R)/.exec(trailer[1] ?? '') : null;
  if (!startxref || !trailer || !size || !root) {
    throw new BrowserError('the PDF from Chromium has no classic trailer; cannot set its Author and Subject');
  }
  const id = /\/ID\s*(\[[^\]]*\])/.exec(trailer[1] ?? '');
  const infoRef = /\/Info\s+(\d+\s+\d+)\s+R/.exec(trailer[1] ?? '')?.[1];
  const num = Number(size[1]);
  const entries = [
    ...Object.entries(info)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `/${k} ${pdfTextString(v as string)}`),
    ...oldInfoEntries(text, infoRef),
  ];
  const sep = text.endsWith('\n') ? '' : '\n';
  const objOffset = pdf.length + sep.length;
  const obj = `${num} 0 obj\n<<${entries.join('\n')}>>\nendobj\n`;
  const xrefOffset = objOffset + Buffer.byteLength(obj, 'latin1');
  const tail =
    `xref\n${num} 1\n${String(objOffset).padStart(10, '0')} 00000 n\r\n` +
    `trailer\n<</Size ${num + 1} /Root ${root[1]} /Info ${num} 0 R /Prev ${startxref[1]}${id ? ` /ID ${id[1]}` : ''}>>\n` +
    `startxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(sep + obj + tail, 'latin1')]);
}
