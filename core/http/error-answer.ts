import type { Context as HonoContext } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { BusUnavailableError } from '../bus/bus.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.js';
import type { Logger } from '../log/logger.js';
import { OutboundError, OutboundRefusedError } from '../net/outbound.js';

export interface ErrorAnswerOptions {
  logger: Logger;
  /** What failed, for the log line of an unexpected error (`webhook failed`, `unhandled error`). */
  what: string;
  /** The status of a refused file (UnsupportedFileError); the widget's uploads answer 415. */
  unsupportedFileStatus?: 400 | 415;
}

/**
 * The one place where errors become HTTP answers: the console API, the connectors' webhooks and
 * the web chat widget. Providers and browsers decide whether to send again from the status alone,
 * so it is exact: 4xx for what a retry cannot fix, 503 for what it can. Unexpected errors are
 * logged (name, message and stack only) and never shown.
 */
export function errorAnswer(error: unknown, c: HonoContext, options: ErrorAnswerOptions): Response {
  if (error instanceof HTTPException) return error.getResponse();
  if (error instanceof ZodError) {
    return c.json(
      { error: 'invalid_request', message: 'the request is invalid', issues: error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) },
      400,
    );
  }
  if (error instanceof ValidationError) {
    const status = error.name === 'UnsupportedFileError' ? (options.unsupportedFileStatus ?? 400) : 400;
    return c.json({ error: 'invalid_request', message: error.message, issues: error.issues }, status);
  }
  if (error instanceof PayloadTooLargeError) return c.json({ error: 'too_large', message: error.message }, 413);
  if (error instanceof UnsupportedMediaTypeError) return c.json({ error: 'unsupported_media_type', message: error.message }, 415);
  if (error instanceof UnauthorizedError) return c.json({ error: 'unauthorized', message: error.message }, 401);
  if (error instanceof ForbiddenError) return c.json({ error: 'forbidden', message: error.message }, 403);
  if (error instanceof NotFoundError) return c.json({ error: 'not_found', message: error.message }, 404);
  if (error instanceof RateLimitedError) {
    c.header('Retry-After', String(error.retryAfterSeconds));
    return c.json({ error: 'rate_limited', message: error.message }, 429);
  }
  if (error instanceof ConflictError) return c.json({ error: 'conflict', message: error.message, ...(error.reason ? { reason: error.reason } : {}) }, 409);
  // A company-set address: refused by the installation, or not reached. Neither answer carries the
  // far side's status, body or the way the connection failed.
  if (error instanceof OutboundRefusedError) return c.json({ error: 'address_refused', message: error.message }, 400);
  if (error instanceof OutboundError) return c.json({ error: 'unreachable', message: `${error.host} could not be reached` }, 502);
  if (error instanceof BusUnavailableError) {
    options.logger.warn({ err: error.message }, `${options.what}: bus unavailable, answered 503`);
    return c.json({ error: 'unavailable', message: 'temporarily unavailable, retry later' }, 503);
  }
  options.logger.error({ err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) }, options.what);
  return c.json({ error: 'internal', message: 'internal error' }, 500);
}
