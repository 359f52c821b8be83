// Typed errors with stable codes: only cli/ turns them into messages and exit codes.

export type ErrorCode =
  | 'E_USAGE'
  | 'E_INPUT'
  | 'E_EVIDENCE'
  | 'E_CONNECTION'
  | 'E_HOST_KEY'
  | 'E_AUTH'
  | 'E_NOT_PROXMOX'
  | 'E_SIMULATION'
  | 'E_BROWSER'
  | 'E_OUTPUT'
  | 'E_INTERNAL';

export class PveauditError extends Error {
  readonly code: ErrorCode;
  // Where the problem is, so a user can find it: a file, plus a line or a field path.
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;

  constructor(
    code: ErrorCode,
    message: string,
    where: { file?: string; line?: number; field?: string; cause?: unknown } = {},
  ) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }

  // One line, e.g. "audit.yml: probes.0.from: must look like ct102".
  get location(): string {
    const parts: string[] = [];
    if (this.file) parts.push(this.line ? `${this.file}:${this.line}` : this.file);
    if (this.field) parts.push(this.field);
    return parts.join(': ');
  }
}

export class UsageError extends PveauditError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

export class InputError extends PveauditError {
  constructor(message: string, where: { file?: string; line?: number; field?: string; cause?: unknown } = {}) {
    super('E_INPUT', message, where);
  }
}

export class EvidenceError extends PveauditError {
  constructor(message: string, where: { file?: string; cause?: unknown } = {}) {
    super('E_EVIDENCE', message, where);
  }
}

export class ConnectionError extends PveauditError {
  constructor(
    code: 'E_CONNECTION' | 'E_HOST_KEY' | 'E_AUTH' | 'E_NOT_PROXMOX',
    message: string,
    where: { cause?: unknown } = {},
  ) {
    super(code, message, where);
  }
}

export class SimulationError extends PveauditError {
  constructor(message: string, where: { file?: string; line?: number; field?: string } = {}) {
    super('E_SIMULATION', message, where);
  }
}

export class BrowserError extends PveauditError {
  constructor(message: string, cause?: unknown) {
    super('E_BROWSER', message, { cause });
  }
}

// The report could not be written where --out points (read-only, no permission, disk full).
export class OutputError extends PveauditError {
  constructor(message: string, cause?: unknown) {
    super('E_OUTPUT', message, { cause });
  }
}

// A bug in pveaudit itself, not in the user's input.
export class InternalError extends PveauditError {
  constructor(message: string, cause?: unknown) {
    super('E_INTERNAL', message, { cause });
  }
}
