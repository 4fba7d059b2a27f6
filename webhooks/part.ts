import type { Context } from '../core/context.js';
import { WebhookSender, type WebhookSenderOptions } from './deliver.js';
import { startWebhookFanOut } from './fan-out.js';

export { webhookRoutes } from './routes.js';

/** Company webhooks' background work, run with the router role: the fan-out consumer and the sender. */
export async function startWebhooks(ctx: Context, options: WebhookSenderOptions = {}): Promise<{ name: string; stop(): Promise<void>; sender: WebhookSender }> {
  const sender = new WebhookSender(
    { db: ctx.database.db, outbound: ctx.outbound, secretKey: ctx.config.secretKey, logger: ctx.logger, pokeOutbox: () => ctx.relay.poke() },
    { ...ctx.config.webhooks, ...options },
  );
  const consumer = await startWebhookFanOut({ db: ctx.database.db, bus: ctx.bus }, () => sender.poke());
  sender.start();
  return {
    name: 'webhooks',
    sender,
    async stop() {
      await consumer.close();
      await sender.stop();
    },
  };
}
