import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UnsupportedFileError } from '../attachments/store.js';
import { BusUnavailableError } from '../bus/bus.js';
import { ConflictError, ForbiddenError, NotFoundError, PayloadTooLargeError, RateLimitedError, UnauthorizedError, ValidationError } from '../errors.js';
import { errorAnswer, type ErrorAnswerOptions } from './error-answer.js';

const logged: string[] = [];
const logger = {
  warn: (_: unknown, msg: string) => logged.push(msg),
  error: (_: unknown, msg: string) => logged.push(msg),
} as unknown as ErrorAnswerOptions['logger'];

async function answer(error: unknown, options: Partial<ErrorAnswerOptions> = {}) {
  const app = new Hono();
  app.get('/', () => {
    throw error;
  });
  app.onError((e, c) => errorAnswer(e, c, { logger, what: 'test failed', ...options }));
  const response = await app.request('/');
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, retryAfter: response.headers.get('retry-after') };
}

describe('errors as HTTP answers', () => {
  it('answers each typed error with its status, naming the field of an invalid input', async () => {
    const zod = z.object({ name: z.string() }).safeParse({});
    expect(await answer(zod.error)).toMatchObject({ status: 400, body: { error: 'invalid_request', issues: [{ field: 'name' }] } });
    expect(await answer(new ValidationError('bad', [{ field: 'phone', message: 'not a number' }]))).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'phone' }] },
    });
    expect((await answer(new PayloadTooLargeError(10))).status).toBe(413);
    expect((await answer(new UnauthorizedError())).status).toBe(401);
    expect((await answer(new ForbiddenError())).status).toBe(403);
    expect((await answer(new NotFoundError('channel'))).status).toBe(404);
    expect(await answer(new ConflictError('taken', 'taken'))).toMatchObject({ status: 409, body: { reason: 'taken' } });
    expect(await answer(new RateLimitedError('slow down', 30))).toMatchObject({ status: 429, retryAfter: '30' });
    expect((await answer(new BusUnavailableError('down'))).status).toBe(503);
  });

  it('answers a refused file 400, or 415 where the entry asks for it (the widget)', async () => {
    expect((await answer(new UnsupportedFileError('the file is empty'))).status).toBe(400);
    expect((await answer(new UnsupportedFileError('the file is empty'), { unsupportedFileStatus: 415 })).status).toBe(415);
  });

  it('logs an unexpected error and shows nothing of it', async () => {
    const result = await answer(new Error('password=hunter2'));
    expect(result).toEqual({ status: 500, body: { error: 'internal', message: 'internal error' }, retryAfter: null });
    expect(logged).toContain('test failed');
  });
});
