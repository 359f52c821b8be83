import { InputError } from '../lib/errors.js';

// OpenSSH's allowed_signers format (ssh-keygen(1), ALLOWED SIGNERS): one key a line,
// "principals [options] keytype base64-key [comment]"; principals and namespaces are pattern-lists.
// Certificate authorities (cert-authority) are read but never match: pveaudit signs with plain keys.

export interface AllowedSigner {
  line: number;
  principals: string; // a pattern-list, e.g. "alice@example.com,*@ops.example.com"
  namespaces: string | null;
  validAfter: Date | null;
  validBefore: Date | null;
  certAuthority: boolean;
  keyBlob: Buffer;
}

const KEY_TYPE = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-\S+|\S+-cert-v01@openssh\.com)$/;

export function parseAllowedSigners(text: string, file: string): AllowedSigner[] {
  const out: AllowedSigner[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const tokens = splitFields(line);
    const where = { file, line: i + 1 };
    const principals = tokens.shift();
    if (!principals || tokens.length === 0) throw new InputError('expected "principals [options] keytype key"', where);
    let options = '';
    if (!KEY_TYPE.test(tokens[0] ?? '')) options = tokens.shift() ?? '';
    const [type, b64] = tokens;
    if (!type || !KEY_TYPE.test(type) || !b64)
      throw new InputError(`expected a key type and key after "${principals}"`, where);
    const entry: AllowedSigner = {
      line: i + 1,
      principals: unquote(principals),
      namespaces: null,
      validAfter: null,
      validBefore: null,
      certAuthority: false,
      keyBlob: Buffer.from(b64, 'base64'),
    };
    for (const opt of splitOptions(options)) {
      const eq = opt.indexOf('=');
      const name = (eq < 0 ? opt : opt.slice(0, eq)).toLowerCase();
      const value = eq < 0 ? '' : unquote(opt.slice(eq + 1));
      if (name === 'cert-authority') entry.certAuthority = true;
      else if (name === 'namespaces') entry.namespaces = value;
      else if (name === 'valid-after') entry.validAfter = parseTime(value, where);
      else if (name === 'valid-before') entry.validBefore = parseTime(value, where);
      else throw new InputError(`unknown option "${name}"`, where);
    }
    out.push(entry);
  });
  return out;
}

// The lines that accept this key for this namespace at this time (cert-authority lines never do).
export function acceptingLines(
  signers: readonly AllowedSigner[],
  keyBlob: Buffer,
  namespace: string,
  at: Date,
): AllowedSigner[] {
  return signers.filter(
    (s) =>
      !s.certAuthority &&
      s.keyBlob.equals(keyBlob) &&
      (s.namespaces === null || matchPatternList(namespace, s.namespaces)) &&
      (s.validAfter === null || at >= s.validAfter) &&
      (s.validBefore === null || at <= s.validBefore),
  );
}

// ssh_config PATTERNS: comma-separated, * and ? wildcards, a leading ! negates and vetoes.
export function matchPatternList(value: string, list: string): boolean {
  let matched = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!globMatch(value, pattern)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function globMatch(value: string, pattern: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

// Splits on blanks outside double quotes.
function splitFields(line: string): string[] {
  return line.match(/(?:"[^"]*"|[^\s"])+/g) ?? [];
}

function splitOptions(options: string): string[] {
  return options === '' ? [] : (options.match(/(?:"[^"]*"|[^,"])+/g) ?? []);
}

const unquote = (s: string) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

// YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]: local time unless suffixed with Z, as ssh-keygen reads it.
function parseTime(value: string, where: { file: string; line: number }): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/.exec(value);
  if (!m) throw new InputError(`bad timestamp "${value}" (YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z])`, where);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as number[];
  const date = m[7] ? new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)) : new Date(y!, mo! - 1, d!, h!, mi!, s!);
  if (Number.isNaN(date.getTime())) throw new InputError(`bad timestamp "${value}"`, where);
  return date;
}
