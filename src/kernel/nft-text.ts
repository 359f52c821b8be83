// A rule's JSON expression list back in nft's own syntax, for the report (best effort: anything
// not rendered here is shown as its JSON, so nothing is hidden).

type J = unknown;
const obj = (x: J): Record<string, J> | null =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, J>) : null;

function value(x: J): string {
  if (typeof x === 'string') return x.startsWith('@') ? x : /^[\w.:/-]+$/.test(x) ? x : JSON.stringify(x);
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (x === null) return 'null';
  if (Array.isArray(x)) return x.map(value).join(',');
  const o = obj(x) as Record<string, J>;
  const [k, v] = Object.entries(o)[0] ?? ['', null];
  const vo = obj(v);
  switch (k) {
    case 'set':
      return `{ ${(Array.isArray(v) ? v : [v]).map(value).join(', ')} }`;
    case 'prefix':
      return `${value(vo?.addr)}/${value(vo?.len)}`;
    case 'range':
      return Array.isArray(v) ? `${value(v[0])}-${value(v[1])}` : JSON.stringify(x);
    case 'concat':
      return Array.isArray(v) ? v.map(value).join(' . ') : JSON.stringify(x);
    case 'meta':
      return ['iifname', 'oifname', 'iif', 'oif'].includes(String(vo?.key)) ? String(vo?.key) : `meta ${vo?.key}`;
    case 'payload':
      return vo?.protocol ? `${vo.protocol} ${vo.field}` : `@${vo?.base},${vo?.offset},${vo?.len}`;
    case 'ct':
      return `ct ${vo?.dir ? `${vo.dir} ` : ''}${vo?.key}`;
    case '&':
    case '|':
    case '^':
      return Array.isArray(v) ? `${value(v[0])} ${k} (${value(v[1])})` : JSON.stringify(x);
    case 'elem':
      return value(vo?.val);
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
      return k;
    case 'jump':
    case 'goto':
      return `${k} ${value(vo?.target)}`;
    default:
      return JSON.stringify(x);
  }
}

function statement(s: J): string {
  const o = obj(s);
  if (!o) return JSON.stringify(s);
  const [k, v] = Object.entries(o)[0] ?? ['', null];
  const vo = obj(v);
  switch (k) {
    case 'match': {
      const op = vo?.op === '==' || vo?.op === 'in' ? '' : `${vo?.op} `;
      return `${value(vo?.left)} ${op}${value(vo?.right)}`;
    }
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
      return k;
    case 'jump':
    case 'goto':
      return `${k} ${value(vo?.target)}`;
    case 'counter':
      return 'counter';
    case 'log':
      return vo?.prefix ? `log prefix ${JSON.stringify(vo.prefix)}` : 'log';
    case 'limit':
      return `limit rate ${vo?.rate}/${vo?.per}`;
    case 'reject':
      return vo?.type ? `reject with ${vo.type}${vo.expr ? ` ${vo.expr}` : ''}` : 'reject';
    case 'vmap':
      return `${value(vo?.key)} vmap ${value(vo?.data)}`;
    case 'mangle':
      return `${value(vo?.key)} set ${value(vo?.value)}`;
    default:
      return JSON.stringify(s);
  }
}

export function ruleText(expr: readonly J[]): string {
  return expr.map(statement).join(' ');
}
