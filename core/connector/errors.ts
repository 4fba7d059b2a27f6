import { OutboundFailedError, OutboundRefusedError, OutboundTooLargeError } from '../net/outbound.js';

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
 * installation refuses (core/net/outbound.ts) is not. Through the guarded client every failure
 * reads the same, so a channel's settings cannot be used to tell open ports from closed ones.
 */
export function errorForNetwork(error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof OutboundRefusedError) return ConnectorError.permanent(`${what}: ${error.message}`, 'address_refused', error);
  if (error instanceof OutboundTooLargeError) return ConnectorError.permanent(`${what} answered with more than ${error.maxBytes} bytes`, 'too_large', error);
  if (error instanceof OutboundFailedError) return ConnectorError.retryable(`${what} unreachable`, 'network', error);
  const text = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return ConnectorError.retryable(`${what} unreachable: ${text}`, 'network', error);
}
