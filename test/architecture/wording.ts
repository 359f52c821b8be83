import { readFileSync } from 'node:fs';
import ts from 'typescript';

// The wording heuristic of wording.test.ts: string literals of four or more English words, except
// a check's metadata and runbook commands.

const METADATA = new Set(['title', 'problem', 'remediation']);
const COMMAND =
  /^\s*(#|(iptables|iptables-save|ip6tables|nft|ebtables|ebtables-save|pve-firewall|pveaudit|pct|qm|cp|patch|cat|grep|echo|ipset)\s)/;

const WORD = /^[A-Za-z][a-z']*[,:;.)]?$/;
const words = (s: string) => s.split(/\s+/).filter((w) => WORD.test(w)).length;

function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' {} ');
  return null;
}

function metadataKey(node: ts.Node): string | null {
  const p = node.parent;
  return p && ts.isPropertyAssignment(p) && p.initializer === node ? p.name.getText() : null;
}

export function sentencesIn(file: string, minWords = 4): { line: number; text: string }[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    const text = literalText(node);
    if (text !== null) {
      const key = metadataKey(node);
      if (words(text) >= minWords && !(key && METADATA.has(key)) && !COMMAND.test(text))
        out.push({ line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
