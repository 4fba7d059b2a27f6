import type { BatchFailures, Bus, Consumer, Delivery } from '../../core/bus/bus.js';
import { inboundQueueName } from '../../core/bus/bus.js';
import { retryTransient } from '../../core/db/transient.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import type { RouterDeps } from '../deps.js';
import { parseEnvelope } from './envelope.js';
import type { InboundPipeline } from './pipeline.js';
import { processInbound } from './process-batch.js';

export interface InboundConsumerOptions {
  /** The steps to run, as the composition root assembled them (app/pipeline.ts). */
  pipeline: InboundPipeline;
  shards: number;
  batchSize?: number;
  maxWaitMs?: number;
}

/**
 * Handles one batch from an inbound shard: one transaction for all of it, acked after the
 * commit. When the batch as a whole fails, each message is tried alone, so a poison message
 * fails by itself (retried, then dead-lettered) and never holds up the others.
 */
export function inboundBatchHandler(deps: RouterDeps, pipeline: InboundPipeline) {
  const db = deps.database.db;
  const histogram = deps.metrics?.routingDecision;
  const options = { pipeline, ...(histogram ? { observeRouting: (seconds: number) => histogram.observe(seconds) } : {}) };
  return async (deliveries: Delivery[]): Promise<BatchFailures | undefined> => {
    const failed: BatchFailures['failed'] = [];
    const good: { delivery: Delivery; envelope: InboundEnvelope }[] = [];
    for (const delivery of deliveries) {
      try {
        good.push({ delivery, envelope: parseEnvelope(delivery.json()) });
      } catch (error) {
        failed.push({ delivery, error });
      }
    }
    try {
      // A database restart mid-batch: the batch is tried again in place (the shard's order kept;
      // safe because the pipeline dedupes by provider message id if the commit did land).
      const outcome = await retryTransient(
        () =>
          db.transaction().execute((trx) =>
            processInbound(
              trx,
              good.map((g) => g.envelope),
              options,
            ),
          ),
        {
          onRetry: (error, attempt) => deps.logger.warn({ err: errorMessage(error), attempt }, 'database unreachable; inbound batch tried again'),
        },
      );
      for (const [index, error] of outcome.rejected) failed.push({ delivery: good[index]!.delivery, error });
      for (const rule of outcome.invalidRules)
        deps.logger.warn({ tenantId: rule.tenantId, rule: rule.id, name: rule.name, problem: rule.problem }, 'routing rule skipped: invalid');
    } catch (error) {
      deps.logger.warn({ err: errorMessage(error), size: good.length }, 'inbound batch failed; handling its messages one by one');
      for (const item of good) {
        try {
          const outcome = await db.transaction().execute((trx) => processInbound(trx, [item.envelope], options));
          const rejected = outcome.rejected.get(0);
          if (rejected) failed.push({ delivery: item.delivery, error: rejected });
        } catch (single) {
          failed.push({ delivery: item.delivery, error: single });
        }
      }
    }
    deps.relay.poke();
    for (const f of failed) deps.logger.warn({ err: errorMessage(f.error), messageId: f.delivery.messageId }, 'inbound message refused');
    return failed.length ? { failed } : undefined;
  };
}

/** Consumes every inbound shard (one active consumer per shard across the cluster). */
export async function consumeInbound(deps: RouterDeps & { bus: Bus }, options: InboundConsumerOptions): Promise<Consumer[]> {
  const handler = inboundBatchHandler(deps, options.pipeline);
  const batchSize = options.batchSize ?? 100;
  const consumers: Consumer[] = [];
  try {
    for (let shard = 0; shard < options.shards; shard++) {
      consumers.push(
        await deps.bus.consumeBatch(inboundQueueName(shard), handler, {
          prefetch: batchSize * 2,
          batchSize,
          maxWaitMs: options.maxWaitMs ?? 10,
        }),
      );
    }
  } catch (error) {
    await Promise.all(consumers.map((c) => c.close()));
    throw error;
  }
  return consumers;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
