// Splits one iptables-save rule line into words, as the shell iptables-save quotes for would:
// "double quoted" words keep their spaces, and \" inside them is a quote.
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= n) break;
    let word = '';
    while (i < n && line[i] !== ' ' && line[i] !== '\t') {
      const c = line[i] as string;
      if (c === '"') {
        i++;
        while (i < n && line[i] !== '"') {
          if (line[i] === '\\' && i + 1 < n) i++;
          word += line[i];
          i++;
        }
        i++;
      } else {
        word += c;
        i++;
      }
    }
    out.push(word);
  }
  return out;
}

// A word as iptables-save would print it: quoted when it holds spaces or quotes.
export function quoteWord(w: string): string {
  return /[\s"]/.test(w) || w === '' ? `"${w.replace(/(["\\])/g, '\\$1')}"` : w;
}

// A rule spec as a shell-safe command tail: words the shell would alter are single-quoted.
export function shellSpec(spec: string): string {
  return tokenize(spec)
    .map((w) => (w === '!' || /^[A-Za-z0-9_.,:/=+@%-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
