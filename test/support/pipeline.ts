import type { Harness } from '../../core/connector/testkit/index.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { processInbound } from '../../router/pipeline/process-batch.js';

/**
 * The conformance kit's "stored once" check through the real router: the published envelopes
 * go through the inbound pipeline (dedupe, identify, thread, store), one batch each, as replays
 * would arrive; then the stored messages with that external id are counted.
 */
export async function storedThroughRouter(harness: Harness, envelopes: InboundEnvelope[], externalId: string): Promise<number> {
  const db = harness.deps.db;
  for (const envelope of envelopes) await db.transaction().execute((trx) => processInbound(trx, [envelope]));
  const { count } = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('channel_id', '=', harness.channel.id)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return Number(count);
}
