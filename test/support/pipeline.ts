import type { Harness } from '../../core/connector/testkit/index.js';
import type { Db } from '../../core/db/database.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { processInbound } from '../../router/pipeline/process-batch.js';
import { inboundPipeline } from '../../app/pipeline.js';

/**
 * Runs published envelopes through the real inbound pipeline, `batchSize` per transaction (1:
 * each alone, as replays arrive). The one place connector tests reach the router, which they
 * may not import.
 */
export async function runPipeline(db: Db, envelopes: readonly InboundEnvelope[], batchSize = 1): Promise<void> {
  const size = Math.max(1, batchSize);
  for (let i = 0; i < envelopes.length; i += size)
    await db.transaction().execute((trx) => processInbound(trx, envelopes.slice(i, i + size), { pipeline: inboundPipeline }));
}

/**
 * The conformance kit's "stored once" check through the real router: the published envelopes
 * go through the inbound pipeline (dedupe, identify, thread, store), one batch each, as replays
 * would arrive; then the stored messages with that external id are counted.
 */
export async function storedThroughRouter(harness: Harness, envelopes: InboundEnvelope[], externalId: string): Promise<number> {
  const db = harness.deps.db;
  await runPipeline(db, envelopes);
  const { count } = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('channel_id', '=', harness.channel.id)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return Number(count);
}
