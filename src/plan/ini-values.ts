import { dict } from '../lib/dict.js';

// The two value rules of Ansible's INI inventory: a host line is split like a POSIX shell line
// (quotes group words, '#' starts a comment), and each value is then read as a Python literal when it
// is one (22 -> number, True -> boolean, [1, 2] -> list), else kept as the string it is.

// Splits a host line as Python's shlex (posix, comments on) does; null when a quote is not closed.
export function shellSplit(line: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === '#') break;
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return null;
      word += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i] as string;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        // inside double quotes a backslash escapes only a quote or another backslash
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) return null;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[i + 1];
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

// The Python literal a value spells, or the value itself when it spells none (as ast.literal_eval
// failing falls back to the string in Ansible). Tuples become lists, as in ansible-inventory's JSON.
export function pythonLiteral(text: string): unknown {
  const p = new LiteralParser(text);
  try {
    const value = p.value();
    p.end();
    return value;
  } catch {
    return text;
  }
}

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  end(): void {
    this.space();
    if (this.s[this.i] === '#') this.i = this.s.length;
    if (this.i !== this.s.length) throw new Error('trailing text');
  }

  value(): unknown {
    this.space();
    const c = this.s[this.i];
    if (c === '"' || c === "'") return this.string();
    if (c === '[') return this.sequence(']');
    if (c === '(') return this.sequence(')');
    if (c === '{') return this.dict();
    const word = /^(True|False|None)\b/.exec(this.s.slice(this.i));
    if (word) {
      this.i += (word[1] as string).length;
      return word[1] === 'True' ? true : word[1] === 'False' ? false : null;
    }
    return this.number();
  }

  private space(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] as string)) this.i++;
  }

  private number(): number {
    const rest = this.s.slice(this.i);
    // Python 3 refuses decimal integers with a leading zero (022), so Ansible keeps them as strings.
    const m =
      /^[-+]?(?:(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0+|[1-9]\d*)(?![\w.])/.exec(
        rest,
      );
    if (!m) throw new Error('not a literal');
    this.i += m[0].length;
    const t = m[0].replace(/^\+/, '');
    const neg = t.startsWith('-');
    const body = neg ? t.slice(1) : t;
    const n = /^0[xob]/i.test(body) ? Number(body.toLowerCase()) : Number(body);
    return neg ? -n : n;
  }

  private string(): string {
    const q = this.s[this.i] as string;
    let out = '';
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i] as string;
      if (c === q) {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const n = this.s[this.i + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
        out += n !== undefined && Object.hasOwn(map, n) ? map[n] : `\\${n ?? ''}`;
        this.i += 2;
        continue;
      }
      out += c;
      this.i++;
    }
    throw new Error('unterminated string');
  }

  private sequence(close: string): unknown[] {
    this.i++;
    const out: unknown[] = [];
    for (;;) {
      this.space();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.space();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) throw new Error('expected , or close');
    }
  }

  private dict(): Record<string, unknown> {
    this.i++;
    const out = dict<unknown>();
    for (;;) {
      this.space();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const key = this.value();
      this.space();
      if (this.s[this.i] !== ':') throw new Error('expected :');
      this.i++;
      out[String(key)] = this.value();
      this.space();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw new Error('expected , or }');
    }
  }
}
