import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import { OutboundFailedError, OutboundRefusedError, OutboundTooLargeError } from '../../core/net/outbound.js';
import { answerError } from './errors.js';

describe('answers for company-set addresses', () => {
  const answer = async (error: Error) => {
    const app = new Hono();
    app.get('/', () => {
      throw error;
    });
    app.onError((e, c) => answerError(e, c, createLogger('silent')));
    const response = await app.request('/');
    return { status: response.status, body: await response.json() };
  };

  it('says an address is refused with a 400, and anything else that went wrong the same way, without the cause', async () => {
    expect(await answer(new OutboundRefusedError('169.254.169.254', 'is a private, loopback, link-local or reserved address'))).toEqual({
      status: 400,
      body: {
        error: 'address_refused',
        message: '169.254.169.254 cannot be reached from this server: it is a private, loopback, link-local or reserved address',
      },
    });
    const refused = await answer(
      new OutboundFailedError('mail.example', Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:25'), { code: 'ECONNREFUSED' })),
    );
    const timedOut = await answer(
      new OutboundFailedError('mail.example', Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' })),
    );
    const tooLarge = await answer(new OutboundTooLargeError('mail.example', 1024));
    expect(refused).toEqual({ status: 502, body: { error: 'unreachable', message: 'mail.example could not be reached' } });
    expect(timedOut).toEqual(refused);
    expect(tooLarge).toEqual(refused);
  });
});
