/**
 * What a connector throws. The platform turns each into an answer in one place: a webhook's
 * `verify` throws UnauthorizedError (401) or ForbiddenError (403), `handle` ValidationError
 * (400); a send throws ConnectorError, which says whether a later try may work.
 */
const BRAND = Symbol.for('@switchboard/connector-sdk/error');

/**
 * Makes `instanceof` hold for an error made by another copy of this SDK: a connector package
 * bundles its own, and the platform must still answer its UnauthorizedError with a 401. Each
 * class carries its name under a registry symbol; an instance is one when a class in its
 * prototype chain carries the same name. Subclasses keep the ordinary check.
 */
function acrossCopies(cls: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(cls, BRAND, { value: name });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
      if (this !== cls || typeof value !== 'object' || value === null) return false;
      for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
        if ((proto.constructor as Record<symbol, unknown> | undefined)?.[BRAND] === name) return true;
      }
      return false;
    },
  });
}

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

/**
 * What a connector throws when a send fails. `retryable` tells the outbound worker whether the
 * bus should try again later (the provider is down, rate-limits, times out) or whether the
 * message is failed for good (the recipient is unknown, the content is refused).
 */
export class ConnectorError extends Error {
  readonly retryable: boolean;
  /** The provider's own error code or HTTP status, for the agent and the logs. */
  readonly code: string | undefined;

  constructor(message: string, options: { retryable: boolean; code?: string | number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'ConnectorError';
    this.retryable = options.retryable;
    this.code = options.code === undefined ? undefined : String(options.code);
  }

  /** A failure that may pass on a later try. */
  static retryable(message: string, code?: string | number, cause?: unknown): ConnectorError {
    return new ConnectorError(message, { retryable: true, code, cause });
  }

  /** A failure no retry can fix. */
  static permanent(message: string, code?: string | number, cause?: unknown): ConnectorError {
    return new ConnectorError(message, { retryable: false, code, cause });
  }
}

for (const [cls, name] of [
  [ValidationError, 'ValidationError'],
  [NotFoundError, 'NotFoundError'],
  [ConflictError, 'ConflictError'],
  [UnauthorizedError, 'UnauthorizedError'],
  [ForbiddenError, 'ForbiddenError'],
  [ConnectorError, 'ConnectorError'],
] as const) {
  acrossCopies(cls, name);
}

/**
 * Classifies an HTTP status from a provider: 408, 425, 429 and 5xx may pass later; other 4xx
 * will not.
 */
export function errorForStatus(status: number, what: string): ConnectorError {
  const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  return new ConnectorError(`${what} answered ${status}`, { retryable, code: status });
}

/**
 * Network failures (refused, reset, timed out) are worth another try; an address the
 * installation refuses is not. The platform's guarded client (`ctx.outbound`) names its errors
 * `OutboundRefusedError`, `OutboundTooLargeError` and `OutboundFailedError`; through it every
 * failure reads the same, so a channel's settings cannot be used to tell open ports from closed
 * ones. Recognised by name, so the SDK needs nothing of the platform's code.
 */
export function errorForNetwork(error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'OutboundRefusedError') return ConnectorError.permanent(`${what}: ${(error as Error).message}`, 'address_refused', error);
  if (name === 'OutboundTooLargeError')
    return ConnectorError.permanent(`${what} answered with more than ${(error as { maxBytes?: number }).maxBytes} bytes`, 'too_large', error);
  if (name === 'OutboundFailedError') return ConnectorError.retryable(`${what} unreachable`, 'network', error);
  const text = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return ConnectorError.retryable(`${what} unreachable: ${text}`, 'network', error);
}
