import { outboundQueueName, type OutboundEnvelope } from '../domain/messages.js';
import type { Consumer, Delivery } from '../bus/bus.js';
import { channelHealth, loadChannelContext, type ConnectorDeps } from './channel-context.js';
import type { SendReceipt } from './define.js';
import { ConnectorError } from './errors.js';
import { noteRetry, updateMessageStatus } from './status.js';

export interface OutboundWorkerOptions {
  /** Sends in flight per connector type. */
  prefetch?: number;
  /** Called after a status change was committed, so the outbox relay publishes its event now. */
  poke?: () => void;
}

/** Thrown to the bus for a retryable failure: it comes back after a growing delay. */
class RetryLater extends Error {
  constructor(readonly original: ConnectorError) {
    super(original.message);
    this.name = 'RetryLater';
  }
}

/**
 * One durable queue per connector type, bound to `outbound` with `<type>.#`. A delivery is sent
 * by the channel's connector; the message moves queued → sent (or delivered) and
 * `message.updated` is recorded. A retryable ConnectorError goes back to the bus, which tries
 * again after a growing delay and parks it in `<queue>.dlq` after the last attempt (the message
 * is then failed, and replaying the dead letter tries again). A permanent error fails the
 * message at once, with the error text the agent sees.
 */
export async function startOutboundWorkers(deps: ConnectorDeps, options: OutboundWorkerOptions = {}): Promise<{ stop(): Promise<void> }> {
  const consumers: Consumer[] = [];
  for (const connector of deps.registry.list()) {
    const queue = outboundQueueName(connector.type);
    await deps.bus.declareQueue({
      name: queue,
      bindings: [{ exchange: 'outbound', pattern: `${connector.type}.#` }],
      retry: { attempts: deps.config.retry.attempts, baseDelayMs: deps.config.retry.baseDelayMs },
    });
    consumers.push(await deps.bus.consume(queue, (delivery) => deliverOutbound(deps, delivery, options), { prefetch: options.prefetch ?? 16 }));
  }
  return {
    stop: async () => {
      for (const consumer of consumers) await consumer.close();
    },
  };
}

export async function deliverOutbound(deps: ConnectorDeps, delivery: Delivery, options: OutboundWorkerOptions = {}): Promise<void> {
  const envelope = delivery.json<OutboundEnvelope>();
  const message = await deps.db
    .selectFrom('messages')
    .select(['id', 'status'])
    .where('tenant_id', '=', envelope.tenantId)
    .where('id', '=', envelope.messageId)
    .executeTakeFirst();
  // Gone, or settled by an earlier delivery of the same envelope: nothing to do.
  if (!message || (message.status !== 'queued' && message.status !== 'failed')) return;

  const fail = async (error: string, errorCode?: string) => {
    const moved = await updateMessageStatus(deps.db, { tenantId: envelope.tenantId, messageIds: [message.id], status: 'failed', error, errorCode });
    if (moved.length) options.poke?.();
  };

  const found = await loadChannelContext(deps, { id: envelope.channelId });
  if (!found) return fail('the channel is disabled or its connector is not installed');

  let receipt: string | SendReceipt;
  try {
    receipt = await found.connector.send(envelope, found.ctx);
  } catch (error) {
    const connectorError =
      error instanceof ConnectorError ? error : ConnectorError.permanent(`the connector failed: ${error instanceof Error ? error.message : String(error)}`);
    await channelHealth(deps).failed(found.ctx.channel, 'send', connectorError.message);
    if (!connectorError.retryable) {
      deps.logger.warn({ messageId: message.id, channelId: envelope.channelId, err: connectorError.message }, 'outbound message failed');
      return fail(connectorError.message, connectorError.code);
    }
    const lastAttempt = delivery.attempt >= deps.config.retry.attempts;
    if (lastAttempt) await fail(`${connectorError.message} (after ${delivery.attempt + 1} attempts; kept for replay)`, connectorError.code);
    else await noteRetry(deps.db, envelope.tenantId, message.id, connectorError.message);
    throw new RetryLater(connectorError);
  }
  await channelHealth(deps).ok(found.ctx.channel, 'send');
  const { id, delivered } = typeof receipt === 'string' ? { id: receipt, delivered: false } : receipt;
  const moved = await updateMessageStatus(deps.db, {
    tenantId: envelope.tenantId,
    messageIds: [message.id],
    status: delivered ? 'delivered' : 'sent',
    providerMessageId: id,
  });
  if (moved.length) options.poke?.();
}
