import { ValidationError } from '../../../core/errors.js';
import type { InboundStep } from '../pipeline.js';
import { alreadyStored } from '../preload.js';

/**
 * Step 1: a message for a channel of another company is refused alone; a (channel, external id)
 * already stored, or twice in the batch, is a replay and skipped. The unique index settles races
 * when the message is stored.
 */
export const dedupe: InboundStep = {
  name: 'dedupe',
  async run(batch) {
    const { trx, envelopes, outcome } = batch;
    const channelIds = [...new Set(envelopes.map((e) => e.channelId))];
    batch.channels = new Map(
      (await trx.selectFrom('channels').select(['id', 'tenant_id', 'type']).where('id', 'in', channelIds).execute()).map((c) => [c.id, c]),
    );
    const seen = await alreadyStored(trx, envelopes);
    for (const [index, envelope] of envelopes.entries()) {
      const channel = batch.channels.get(envelope.channelId);
      if (!channel || channel.tenant_id !== envelope.tenantId) {
        outcome.rejected.set(index, new ValidationError('unknown channel for this tenant', [{ field: 'channelId', message: envelope.channelId }]));
        continue;
      }
      const dedupeKey = `${envelope.channelId}|${envelope.message.externalId}`;
      if (seen.has(dedupeKey)) {
        outcome.duplicates++;
        continue;
      }
      seen.add(dedupeKey);
      batch.accepted.push({ index, envelope });
    }
  },
};
