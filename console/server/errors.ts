import type { Context as HonoContext } from 'hono';
import { errorAnswer } from '../../core/http/error-answer.js';
import type { Logger } from '../../core/log/logger.js';

export { RateLimitedError } from '../../core/errors.js';

/** The console API's answers to errors: core/http/error-answer.ts, shared with webhooks and the widget. */
export function answerError(error: unknown, c: HonoContext, logger: Logger): Response {
  return errorAnswer(error, c, { logger, what: 'unhandled error' });
}
