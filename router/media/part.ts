import type { Consumer } from '../../core/bus/bus.js';
import type { Context } from '../../core/context.js';
import type { MessageView } from '../../core/domain/events.js';
import type { EventEnvelope } from '../../core/outbox/outbox.js';
import { copyCustomerMedia, waitsForCopy } from './copy.js';

export const CUSTOMER_MEDIA_QUEUE = 'router.customer-media';

/** Copies running at once per process: each may wait on a slow customer host. */
const PARALLEL_COPIES = 8;
/**
 * Retries of a copy that may mend, at most, whatever the bus allows: an answer over the size
 * limit is one of those failures, and each try downloads up to the limit again.
 */
const MAX_RETRIES = 2;

/**
 * Listens to `message.created` and copies a customer message's media given by address into the
 * store (copy.ts), after the message was stored and answered: a customer's slow or dead host
 * never holds up the gateway's 2xx or the router's batch. The durable queue retries a copy that
 * may mend with the bus's growing delays (twice at most); the last attempt settles the part.
 */
export async function startCustomerMedia(ctx: Context): Promise<{ name: string; stop(): Promise<void> }> {
  await ctx.bus.declareQueue({
    name: CUSTOMER_MEDIA_QUEUE,
    bindings: [{ exchange: 'events', pattern: '*.message.created' }],
    retry: ctx.config.retry,
  });
  const deps = { db: ctx.database.db, outbound: ctx.outbound, dataDir: ctx.config.dataDir };
  const consumer: Consumer = await ctx.bus.consume(
    CUSTOMER_MEDIA_QUEUE,
    async (delivery) => {
      const envelope = delivery.json<EventEnvelope>();
      const message = envelope.payload.message as MessageView | undefined;
      if (!envelope.tenantId || message?.direction !== 'in' || !message.parts?.some(waitsForCopy)) return;
      const lastAttempt = delivery.attempt >= Math.min(MAX_RETRIES, ctx.config.retry.attempts);
      const outcome = await copyCustomerMedia(deps, { tenantId: envelope.tenantId, messageId: message.id }, { lastAttempt });
      ctx.relay.poke();
      if (outcome === 'retry') {
        ctx.logger.info({ messageId: message.id, attempt: delivery.attempt }, 'a customer file could not be copied yet; trying again later');
        throw new Error('customer media not copied yet');
      }
    },
    { prefetch: PARALLEL_COPIES },
  );
  return { name: 'customer-media', stop: () => consumer.close() };
}
