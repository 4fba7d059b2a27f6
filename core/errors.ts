/**
 * Errors that cross a boundary carry what the caller needs; the HTTP layer turns them into
 * answers in one place (core/http/error-answer.ts).
 */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly issues: { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends Error {
  constructor(
    message: string,
    /** A stable word for why, when a client words it for a person (`at_capacity`, `taken`). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class UnauthorizedError extends Error {
  constructor(message = 'authentication required') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends Error {
  constructor(message = 'not allowed') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** A body past its route's limit: answered 413, and nothing beyond the limit was read. */
export class PayloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the body exceeds ${limit} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

/** Too many attempts (sign-in): answered 429 with Retry-After. */
export class RateLimitedError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}
