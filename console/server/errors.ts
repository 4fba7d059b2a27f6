import type { Context as HonoContext } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../core/errors.js';
import { BusUnavailableError } from '../../core/bus/bus.js';
import type { Logger } from '../../core/log/logger.js';
import { OutboundError, OutboundRefusedError } from '../../core/net/outbound.js';

export { RateLimitedError };

/** The one place where errors become HTTP answers. Unknown errors are logged, never shown. */
export function answerError(error: unknown, c: HonoContext, logger: Logger): Response {
  if (error instanceof HTTPException) return error.getResponse();
  if (error instanceof ZodError) {
    return c.json(
      { error: 'invalid_request', message: 'the request is invalid', issues: error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) },
      400,
    );
  }
  if (error instanceof ValidationError) return c.json({ error: 'invalid_request', message: error.message, issues: error.issues }, 400);
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
    logger.warn({ err: error.message }, 'bus unavailable');
    return c.json({ error: 'unavailable', message: 'temporarily unavailable, retry later' }, 503);
  }
  logger.error({ err: error }, 'unhandled error');
  return c.json({ error: 'internal', message: 'internal error' }, 500);
}
