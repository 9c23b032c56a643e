// One way to fail: domain code throws these; the app turns them into RFC 9457
// problem+json for the API or a GOV.UK error page for people, in one place (web/errors.ts).

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  readonly status: number;
  readonly title: string;
  readonly fields: FieldError[];

  constructor(status: number, title: string, detail: string, fields: FieldError[] = []) {
    super(detail);
    this.status = status;
    this.title = title;
    this.fields = fields;
  }
}

export class Invalid extends DomainError {
  constructor(detail: string, fields: FieldError[] = []) {
    super(400, 'Your request has errors', detail, fields);
  }
}

export class Unauthorized extends DomainError {
  constructor(detail = 'You need to sign in') {
    super(401, 'Not signed in', detail);
  }
}

export class Forbidden extends DomainError {
  constructor(detail = 'You do not have permission to do this') {
    super(403, 'Forbidden', detail);
  }
}

export class NotFound extends DomainError {
  constructor(detail = 'There is nothing here') {
    super(404, 'Not found', detail);
  }
}

export class Conflict extends DomainError {
  constructor(detail: string) {
    super(409, 'Conflict', detail);
  }
}

export class TooManyRequests extends DomainError {
  constructor(detail: string) {
    super(429, 'Too many requests', detail);
  }
}

/**
 * Whether an error is the database being out of reach (a failover, a restart, ended sessions,
 * no connection to be had) rather than anything about the request: PostgreSQL's classes 08
 * (connection exception) and 57P (operator intervention), and the driver's own words for a lost
 * connection. Such a request is answered 503, to be tried again; nothing of it was committed.
 */
export function databaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (/^08/.test(code) || /^57P0[1-3]$/.test(code))) return true;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') return true;
  return /^Connection terminated|connection error and is not queryable|Client was closed/.test(error.message);
}

/** What a person is told when the database is out of reach for a moment. */
export const UNAVAILABLE_DETAIL = 'The service cannot reach its database just now. Try again in a moment.';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Content too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Builds the problem document for a status; `detail` must never hold personal data. */
export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: 'about:blank', title: titles[status] ?? 'Error', status, detail, ...extra };
}
