// Removes secrets from curl -v output and any command output before it is written: credential
// headers (keeping the header name), bearer tokens, Proxmox API tokens and tickets, and secret
// query/form values. Idempotent: already redacted text is left as it is and not counted again.

export const REDACTED = '[REDACTED]';

export interface Redaction {
  what: string;
  count: number;
}

interface Rule {
  what: string;
  re: RegExp;
  // Rebuilds the match with the secret replaced; returns null to keep the match unchanged.
  replace: (m: RegExpExecArray) => string | null;
}

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

// Empty or already redacted (a value cut at ']' still starts with '[REDACTED').
const done = (v: string | undefined) => v === undefined || v.trim() === '' || v.trim().startsWith('[REDACTED');

const RULES: Rule[] = [
  {
    what: 'cloud-init password',
    // A VM's .conf keeps cipassword as a crypt hash (qm config prints it masked as **********).
    re: /^(cipassword:[ \t]*)(\S[^\r\n]*)$/gm,
    replace: (m) => (done(m[2]) || /^\*+$/.test(m[2]!.trim()) ? null : `${m[1]}${REDACTED}`),
  },
  // "> Authorization: Basic ...", "< set-cookie: ...", "* h2h3 [cookie: ...]", "-H 'X-Api-Key: ...'"
  ...HEADERS.map(
    (name): Rule => ({
      what: `${name} header`,
      re: new RegExp(String.raw`(^|[\s\[<>'"*])(${name})([ \t]*:[ \t]*)([^\r\n\]'"]*)`, 'gim'),
      replace: (m) => (done(m[4]) ? null : `${m[1]}${m[2]}${m[3]}${REDACTED}`),
    }),
  ),
  {
    what: 'PVEAPIToken secret',
    // PVEAPIToken=USER@REALM!TOKENID=SECRET: the token id is kept, it names the token but grants nothing.
    re: /\b(PVEAPIToken=)([^\s=!'"]+![^\s='"]+=)?([^\s'",;&\]]+)/g,
    replace: (m) => (done(m[3]) ? null : `${m[1]}${m[2] ?? ''}${REDACTED}`),
  },
  {
    what: 'PVEAuthCookie value',
    re: /\b(PVEAuthCookie=)([^\s'",;&\]]+)/g,
    replace: (m) => (done(m[2]) ? null : `${m[1]}${REDACTED}`),
  },
  {
    what: 'bearer token',
    re: /\b(Bearer\s+)([A-Za-z0-9\-._~+/]+=*)/g,
    replace: (m) => `${m[1]}${REDACTED}`,
  },
  {
    what: 'JSON secret field',
    // Proxmox /access/ticket answers {"ticket":"PVE:...","CSRFPreventionToken":"..."}
    re: /("(?:ticket|CSRFPreventionToken|password|secret|token|api_key|access_token)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi,
    replace: (m) => (done(m[2]) ? null : `${m[1]}${REDACTED}${m[3]}`),
  },
  {
    what: 'secret query or form value',
    re: /(^|[?&;\s'"])(token|password|passwd|pass|secret|client_secret|api_key|apikey|access_token)=([^&\s'"#;]+)/gim,
    replace: (m) => (done(m[3]) ? null : `${m[1]}${m[2]}=${REDACTED}`),
  },
  {
    what: 'secret environment value',
    // lxc.environment: POSTGRES_PASSWORD=..., qemu args/env: ...,password=..., DB_PASS=..., API_KEY=...
    // (PVEAPIToken and PVEAuthCookie have rules of their own above.)
    re: /(^|[\s,'"[])(?!PVEAPIToken=|PVEAuthCookie=)((?:[A-Za-z_][A-Za-z0-9_]*?)?(?:PASSWORD|PASSWD|PASS|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY)[A-Za-z0-9_]*)=([^\s,'"\]]+)/gi,
    replace: (m) => (done(m[3]) ? null : `${m[1]}${m[2]}=${REDACTED}`),
  },
  {
    what: 'URL password',
    re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:)([^\s/@'"]+)(@)/gi,
    replace: (m) => (done(m[2]) ? null : `${m[1]}${REDACTED}${m[3]}`),
  },
  {
    what: 'curl -u password',
    re: /(\s(?:-u|--user)\s+['"]?[^\s:'"]+:)([^\s'"]+)/g,
    replace: (m) => (done(m[2]) ? null : `${m[1]}${REDACTED}`),
  },
];

export function redactSecrets(text: string): { text: string; redactions: Redaction[] } {
  let out = typeof text === 'string' ? text : '';
  const redactions: Redaction[] = [];
  for (const rule of RULES) {
    let count = 0;
    out = out.replace(rule.re, (...args) => {
      const m = args.slice(0, -2) as unknown as RegExpExecArray;
      const r = rule.replace(m);
      if (r === null) return m[0];
      count++;
      return r;
    });
    if (count > 0) redactions.push({ what: rule.what, count });
  }
  return { text: out, redactions };
}
