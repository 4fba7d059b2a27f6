/**
 * Errors that cross a boundary carry what the caller needs; the HTTP layer turns them into
 * answers in one place (core/http/error-answer.ts).
 */
// The errors a connector throws too: the SDK's classes, so `instanceof` holds across the package.
export { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '@switchboard/connector-sdk';

/** A body past its route's limit: answered 413, and nothing beyond the limit was read. */
export class PayloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the body exceeds ${limit} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

/** A body of a type the route does not take: answered 415. */
export class UnsupportedMediaTypeError extends Error {
  constructor(readonly expected: string) {
    super(`send ${expected}`);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** Too many requests from one caller (sign-in guesses, an API token, an app-API key): 429 with Retry-After. */
export class RateLimitedError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}
