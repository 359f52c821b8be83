// Removes secrets from curl -v output and any command output before it is written: credential
// headers (keeping the header name), bearer and basic credentials, Proxmox API tokens and tickets,
// private key blocks, and any value whose name says it is secret (password: X, pass=X, a
// URI-escaped password%3A X, #POSTGRES_PASSWORD=X, string=PASSWORD=X inside a longer value).
// Idempotent: already redacted text is left as it is and not counted again. Every pattern is linear
// in the input: names are matched whole (no backtracking into them) and only from a word boundary.

export const REDACTED = '[REDACTED]';

export interface Redaction {
  what: string;
  count: number;
}

// One entry of the pattern table: rewrites the text and says how many secrets it removed.
interface Rule {
  what: string;
  apply: (text: string, count: (what: string) => void) => string;
}

// Words that make a name secret: db_password, PASS, X-Vault-Token, client_secret, API-KEY...
const SECRET_NAME =
  /pass|pwd|secret|token|api[-_.]?key|private[-_.]?key|access[-_.]?key|credential|auth[-_.]?key|authorization|cookie/i;

const HEADERS = [
  'Authorization',
  'Proxy-Authorization',
  'Cookie',
  'Set-Cookie',
  'X-Api-Key',
  'X-Auth-Token',
  'PVEAuthCookie',
  'CSRFPreventionToken',
];
const HEADER_BY_LOWER = new Map(HEADERS.map((h) => [h.toLowerCase(), h]));

// Empty or already redacted (a value cut at ']' still starts with '[REDACTED').
const done = (v: string | undefined) => v === undefined || v.trim() === '' || v.trim().startsWith('[REDACTED');

// A regex rule: `replace` rebuilds the match with the secret replaced, or returns null to keep it.
function regexRule(what: string, re: RegExp, replace: (m: RegExpExecArray) => string | null): Rule {
  return { what, apply: (text, count) => replaceAll(text, re, (m) => tally(replace(m), what, count)) };
}

function tally(r: string | null, what: string, count: (what: string) => void): string | null {
  if (r !== null) count(what);
  return r;
}

function replaceAll(text: string, re: RegExp, replace: (m: RegExpExecArray) => string | null): string {
  return text.replace(re, (...args) => {
    const m = args.slice(0, -2) as unknown as RegExpExecArray;
    return replace(m) ?? m[0];
  });
}

// Names that may carry a secret, matched whole from a boundary, followed by a separator. The
// lookahead + backreference makes the name atomic, so a long run of name characters without a
// separator costs one pass, not one pass per position.
const NAMED = /(?<![A-Za-z0-9_.-])(?=([A-Za-z0-9_.-]+))\1(?:([ \t]*(?::|%3A)[ \t]*)|(=|%3D))/gi;

// `name: value` (YAML, headers, descriptions) hides the rest of the line, or the quoted string;
// `name=value` hides up to the next separator. The scan goes on right after a harmless name's
// separator, so `string=PASSWORD=X` still finds PASSWORD.
const namedValues: Rule = {
  what: 'secret named value',
  apply(text, count) {
    let out = '';
    let from = 0;
    NAMED.lastIndex = 0;
    for (let m = NAMED.exec(text); m; m = NAMED.exec(text)) {
      const name = m[1] as string;
      const valueStart = m.index + m[0].length;
      if (!SECRET_NAME.test(name) || /^PVE(APIToken|AuthCookie)$/i.test(name)) continue;
      const end = valueEnd(text, valueStart, m[2] !== undefined, text[m.index - 1]);
      const value = text.slice(valueStart + end.open.length, end.value);
      if (done(value) || /^\*+$/.test(value.trim())) continue;
      out += text.slice(from, valueStart) + end.open + REDACTED + end.close;
      from = end.next;
      NAMED.lastIndex = end.next;
      count('secret named value');
    }
    return from === 0 ? text : out + text.slice(from);
  },
};

// Where the value after a separator ends: a quoted value keeps its quotes; a colon value runs to
// the end of the line (or to the bracket/quote that opened the name); an = value to the next
// space, quote, comma, & ; ] ) or >.
function valueEnd(text: string, start: number, colon: boolean, before: string | undefined) {
  const q = text[start];
  if (q === '"' || q === "'") {
    let i = start + 1;
    while (i < text.length && text[i] !== q && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
    const close = i < text.length && text[i] === q;
    return { value: Math.min(i, text.length), open: q, close: close ? q : '', next: close ? i + 1 : i };
  }
  const stop = colon
    ? before === '[' || before === "'" || before === '"'
      ? new Set(['\r', '\n', before === '[' ? ']' : before])
      : new Set(['\r', '\n'])
    : new Set([' ', '\t', '\r', '\n', '"', "'", ',', '&', ';', ']', ')', '>']);
  let i = start;
  while (i < text.length && !stop.has(text[i] as string)) i++;
  let v = i;
  while (v > start && (text[v - 1] === ' ' || text[v - 1] === '\t')) v--;
  return { value: v, open: '', close: text.slice(v, i), next: i };
}

// -----BEGIN [RSA|EC|OPENSSH|ENCRYPTED ]PRIVATE KEY----- ... -----END ...-----: the armour lines
// stay (they say what was there), the body goes. An unterminated block is hidden to the end.
const privateKeys: Rule = {
  what: 'private key block',
  apply(text, count) {
    const begin = /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY-----/g;
    let out = '';
    let from = 0;
    for (let m = begin.exec(text); m; m = begin.exec(text)) {
      const bodyStart = m.index + m[0].length;
      const endAt = text.indexOf('-----END ', bodyStart);
      const body = text.slice(bodyStart, endAt < 0 ? text.length : endAt);
      if (done(body.replace(/\\n/g, ''))) continue;
      // a key inside a JSON string has \n escapes, not line breaks: keep the string one line
      const nl = body.includes('\n') ? '\n' : '';
      out += `${text.slice(from, bodyStart)}${nl}${REDACTED}${nl}`;
      from = endAt < 0 ? text.length : endAt;
      begin.lastIndex = from;
      count('private key block');
    }
    return from === 0 ? text : out + text.slice(from);
  },
};

// A base64 user:password after "Basic" wherever it appears (inside another header's value, a log
// line); "Basic realm=..." and "Basic authentication" do not decode to user:password.
const basicCredentials = regexRule(
  'basic credentials',
  /\b(Basic[ \t]+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g,
  (m) =>
    Buffer.from(m[2] as string, 'base64')
      .toString('latin1')
      .includes(':')
      ? `${m[1]}${REDACTED}`
      : null,
);

// The table, applied in order; later rules see earlier redactions and leave them alone.
const RULES: Rule[] = [
  privateKeys,
  regexRule(
    'cloud-init password',
    // A VM's .conf keeps cipassword as a crypt hash (qm config prints it masked as **********).
    /^(cipassword:[ \t]*)(\S[^\r\n]*)$/gm,
    (m) => (done(m[2]) || /^\*+$/.test(m[2]!.trim()) ? null : `${m[1]}${REDACTED}`),
  ),
  {
    // "> Authorization: Basic ...", "< set-cookie: ...", "* h2h3 [cookie: ...]", "-H 'X-Api-Key: ...'",
    // and the same names at the end of other header names: "X-Forwarded-Authorization: ..."
    what: 'credential header',
    apply: (text, count) =>
      replaceAll(
        text,
        new RegExp(
          String.raw`(?<![A-Za-z0-9_-])((?:[A-Za-z0-9]+-)*)(${HEADERS.join('|')})([ \t]*:[ \t]*)([^\r\n\]'"]*)`,
          'gi',
        ),
        (m) => {
          if (done(m[4])) return null;
          const name = `${m[1]}${m[2]}`.toLowerCase();
          count(`${HEADER_BY_LOWER.get(name) ?? HEADER_BY_LOWER.get((m[2] as string).toLowerCase())} header`);
          return `${m[1]}${m[2]}${m[3]}${REDACTED}`;
        },
      ),
  },
  regexRule(
    'PVEAPIToken secret',
    // PVEAPIToken=USER@REALM!TOKENID=SECRET: the token id is kept, it names the token but grants nothing.
    /\b(PVEAPIToken=)([^\s=!'"]+![^\s='"]+=)?([^\s'",;&\]]+)/g,
    (m) => (done(m[3]) ? null : `${m[1]}${m[2] ?? ''}${REDACTED}`),
  ),
  regexRule('PVEAuthCookie value', /\b(PVEAuthCookie=)([^\s'",;&\]]+)/g, (m) =>
    done(m[2]) ? null : `${m[1]}${REDACTED}`,
  ),
  regexRule('bearer token', /\b(Bearer[ \t]+)([A-Za-z0-9\-._~+/]+=*)/g, (m) =>
    done(m[2]) ? null : `${m[1]}${REDACTED}`,
  ),
  basicCredentials,
  regexRule(
    'JSON secret field',
    // Proxmox /access/ticket answers {"ticket":"PVE:...","CSRFPreventionToken":"..."}; any key named
    // like a secret ("db_password") counts too.
    /("([A-Za-z0-9_.-]{1,100})"[ \t]*:[ \t]*")((?:[^"\\\r\n]|\\.)*)(")/g,
    (m) =>
      (m[2] === 'ticket' || SECRET_NAME.test(m[2] as string)) && !done(m[3]) ? `${m[1]}${REDACTED}${m[4]}` : null,
  ),
  namedValues,
  regexRule('URL password', /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:)([^\s/@'"]+)(@)/gi, (m) =>
    done(m[2]) ? null : `${m[1]}${REDACTED}${m[3]}`,
  ),
  regexRule('curl -u password', /(\s(?:-u|--user)[ \t]+['"]?[^\s:'"]+:)([^\s'"]+)/g, (m) =>
    done(m[2]) ? null : `${m[1]}${REDACTED}`,
  ),
];

export function redactSecrets(text: string): { text: string; redactions: Redaction[] } {
  let out = typeof text === 'string' ? text : '';
  const counts = new Map<string, number>();
  const count = (what: string) => counts.set(what, (counts.get(what) ?? 0) + 1);
  for (const rule of RULES) out = rule.apply(out, count);
  return { text: out, redactions: [...counts].map(([what, n]) => ({ what, count: n })) };
}
