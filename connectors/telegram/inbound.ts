import { createHmac } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ChannelContext, HttpRoute, PullContext } from '../../core/connector/define.js';
import { safeEqual } from '../../core/connector/signatures.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../core/errors.js';
import { callBot } from './api.js';
import type { TelegramConfig } from './connector.js';
import { ALLOWED_UPDATES } from './normalize.js';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** The secret Telegram echoes in every webhook: derived from the installation's key, so nobody has to type it. */
export function webhookSecret(ctx: Pick<ChannelContext<unknown>, 'secretKey' | 'channel'>): string {
  return createHmac('sha256', ctx.secretKey).update(`telegram-webhook:${ctx.channel.id}`).digest('base64url');
}

export const telegramRoutes: HttpRoute<TelegramConfig>[] = [
  {
    method: 'POST',
    path: '/',
    verify(request, ctx) {
      if (ctx.config.mode !== 'webhook') throw new ForbiddenError('this channel polls Telegram; its webhook is off');
      const token = request.headers[SECRET_HEADER];
      if (!token) throw new UnauthorizedError('the X-Telegram-Bot-Api-Secret-Token header is missing');
      if (!safeEqual(token, webhookSecret(ctx))) throw new ForbiddenError('the secret token does not match');
    },
    handle(request) {
      try {
        return { payloads: [JSON.parse(request.body.toString('utf8'))], respond: () => ({ status: 200, body: { ok: true } }) };
      } catch {
        throw new ValidationError('the body is not valid JSON');
      }
    },
  },
];

const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => {});

/** Beside the webhook route, for each enabled channel: set and watch the webhook, or poll getUpdates. Failures back off up to a minute. */
export async function runTelegram(ctx: PullContext<TelegramConfig>): Promise<void> {
  for (let failures = 0; !ctx.signal.aborted; ) {
    try {
      await (ctx.config.mode === 'webhook' ? watchWebhook : poll)(ctx, () => {
        failures = 0;
        ctx.health?.ok();
      });
    } catch (error) {
      if (ctx.signal.aborted) return;
      failures++;
      const hint = ctx.config.mode === 'webhook' ? ' (Telegram needs an https PUBLIC_URL; or switch the channel to polling)' : '';
      ctx.logger.warn({ err: (error as Error).message }, `Telegram ${ctx.config.mode} failed${hint}`);
      ctx.health?.failed(`Telegram ${ctx.config.mode === 'webhook' ? 'webhook set-up' : 'polling'} failed: ${(error as Error).message}${hint}`);
      await sleep(Math.min(60_000, 500 * 2 ** failures), ctx.signal);
    }
  }
}

/** Sets the webhook, then watches it: Telegram reports delivery problems only through getWebhookInfo; another installation using the same bot shows as another URL. */
async function watchWebhook(ctx: PullContext<TelegramConfig>, succeeded: () => void): Promise<void> {
  const url = `${ctx.publicUrl}/hooks/${ctx.channel.id}`;
  await callBot(ctx, 'setWebhook', { url, secret_token: webhookSecret(ctx), allowed_updates: ALLOWED_UPDATES }, { signal: ctx.signal });
  ctx.logger.info({ url }, 'Telegram webhook set');
  succeeded();
  const every = ctx.config.webhookCheckSeconds * 1000;
  while (!ctx.signal.aborted) {
    await sleep(every, ctx.signal);
    if (ctx.signal.aborted) return;
    const info = await callBot<{ url: string; last_error_date?: number; last_error_message?: string }>(ctx, 'getWebhookInfo', {}, { signal: ctx.signal });
    if (info.url !== url) return void ctx.logger.warn({ url: info.url }, 'the Telegram webhook was changed elsewhere; setting it again');
    if ((info.last_error_date ?? 0) * 1000 > Date.now() - every) ctx.logger.warn({ err: info.last_error_message }, 'Telegram could not deliver to the webhook');
  }
}

/** Removes any webhook (Telegram serves getUpdates only without one), then long-polls, saving the offset only after the bus confirmed the updates. */
async function poll(ctx: PullContext<TelegramConfig>, succeeded: () => void): Promise<void> {
  await callBot(ctx, 'deleteWebhook', { drop_pending_updates: false }, { signal: ctx.signal });
  let offset = Number((await ctx.cursor.load()).offset ?? 0);
  while (!ctx.signal.aborted) {
    const params = { offset, timeout: ctx.config.pollTimeoutSeconds, allowed_updates: ALLOWED_UPDATES };
    const updates = await callBot<{ update_id: number }[]>(ctx, 'getUpdates', params, {
      signal: ctx.signal,
      timeoutMs: (ctx.config.pollTimeoutSeconds + 15) * 1000,
    });
    succeeded();
    if (updates.length === 0) continue;
    // One malformed update must not stop the channel: take the others, skip it with a warning.
    await ctx.accept(updates).catch(async (error: unknown) => {
      if (!(error instanceof ValidationError)) throw error;
      for (const update of updates) {
        await ctx.accept([update]).catch((e: unknown) => {
          if (!(e instanceof ValidationError)) throw e;
          ctx.logger.warn({ updateId: update.update_id, err: e.message }, 'Telegram update skipped: not a valid message');
        });
      }
    });
    offset = Math.max(...updates.map((u) => u.update_id)) + 1;
    await ctx.cursor.save({ offset });
  }
}
