// A line parser as a table: the first rule whose pattern matches handles the line.

export type LineRule = [RegExp, (m: RegExpExecArray) => void];

export function applyFirst(text: string, rules: readonly LineRule[]): boolean {
  for (const [re, handle] of rules) {
    const m = re.exec(text);
    if (m) {
      handle(m);
      return true;
    }
  }
  return false;
}
