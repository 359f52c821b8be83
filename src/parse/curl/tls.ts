import type { CurlResult } from '../../schema/observe.js';
import { applyFirst, type LineRule } from './rules.js';

// TLS lines of curl -v (OpenSSL backend): handshake progress, "SSL connection using", the
// "Server certificate:" block and the verification outcome, in curl 7.88 and 8.x wording.

export type CurlTls = NonNullable<CurlResult['tls']>;

export class TlsLines {
  started = false; // a TLS line was seen: the client began a handshake
  established = false; // "SSL connection using": the handshake finished
  failure: string | null = null; // a handshake error that is not about verification
  readonly value: CurlTls = {
    version: null,
    cipher: null,
    subject: null,
    issuer: null,
    san: [],
    expires: null,
    verified: null,
    verifyMessage: null,
  };

  private readonly rules: LineRule[] = [
    [
      /^SSL connection using (\S+) \/ (\S+)/,
      (m) => {
        this.started = this.established = true;
        this.value.version = m[1]!;
        this.value.cipher = m[2]!;
      },
    ],
    [
      /^(TLSv[\d.]+|SSLv3) \((?:OUT|IN)\), TLS /,
      (m) => {
        this.started = true;
        this.value.version ??= m[1]!;
      },
    ],
    [/^ALPN[,:]|^Server certificate:/, () => (this.started = true)],
    [/^ {1,2}subject: (.+)$/, (m) => (this.value.subject = m[1]!.trim())],
    [/^ {1,2}issuer: (.+)$/, (m) => (this.value.issuer = m[1]!.trim())],
    [/^ {1,2}expire date: (.+)$/, (m) => (this.value.expires = certDate(m[1]!.trim()))],
    [
      /^ {1,2}subjectAltName: host "([^"]*)" matched cert's "([^"]*)"/,
      (m) => {
        if (!this.value.san.includes(m[2]!)) this.value.san.push(m[2]!);
      },
    ],
    [
      /^ {1,2}subjectAltName does not match (.+)$/,
      (m) => this.verifyFailed(`subjectAltName does not match ${m[1]!.trim()}`),
    ],
    [
      /^ {1,2}SSL certificate verify ok\.?/,
      () => {
        this.value.verified = true;
        this.value.verifyMessage = 'ok';
      },
    ],
    [
      /^ {1,2}SSL certificate verify result: (.+?),? continuing anyway\.?$/,
      (m) => this.verifyFailed(`${m[1]!} (ignored with --insecure)`),
    ],
    [/^SSL certificate problem: (.+)$/, (m) => this.verifyFailed(m[1]!)],
    [
      /^SSL: (no alternative certificate subject name matches .+|certificate subject name .+ does not match .+)$/,
      (m) => this.verifyFailed(m[1]!),
    ],
    [
      /^(OpenSSL SSL_connect: .+|OpenSSL\/[\d.]+: error:.+|TLS connect error: .+|error:[0-9A-F]+:SSL routines.+)$/,
      (m) => {
        this.started = true;
        this.failure ??= m[1]!;
      },
    ],
  ];

  // Returns whether the line was a TLS line.
  read(text: string): boolean {
    return applyFirst(text, this.rules);
  }

  private verifyFailed(message: string): void {
    this.started = true;
    this.value.verified = false;
    // Keep the first reason: later lines restate it.
    this.value.verifyMessage ??= message;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// "Feb 27 19:56:14 2029 GMT" (OpenSSL's format) -> "2029-02-27T19:56:14Z"; anything else as written.
export function certDate(text: string): string {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text);
  const month = m ? MONTHS.indexOf(m[1]!) : -1;
  if (!m || month < 0) return text;
  const d = new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
  return d.toISOString().replace('.000Z', 'Z');
}
