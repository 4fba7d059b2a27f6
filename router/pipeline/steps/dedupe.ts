import { sql } from 'kysely';
import { ValidationError } from '../../../core/errors.js';
import { keepPlan } from '../../../core/db/keep-plan.js';
import type { InboundStep } from '../pipeline.js';
import { alreadyStored } from '../preload.js';

/**
 * Step 1: a message for a channel of another company is refused alone; a (channel, external id)
 * already stored, or twice in the batch, is a replay and skipped. The unique index settles races
 * when the message is stored. The channels' lookup also brings their companies' routing versions.
 */
export const dedupe: InboundStep = {
  name: 'dedupe',
  async run(batch) {
    const { trx, envelopes, outcome } = batch;
    const channelIds = [...new Set(envelopes.map((e) => e.channelId))];
    // With each channel, its company's routing version: the thread step's key to the set-up it keeps.
    const channels = await trx
      .selectFrom('channels')
      .innerJoin('tenants', 'tenants.id', 'channels.tenant_id')
      .select(['channels.id', 'channels.tenant_id', 'channels.type', sql<string>`tenants.routing_config_version::text`.as('routing_config_version')])
      .where('channels.id', '=', sql<string>`any(${channelIds}::uuid[])`)
      .modifyEnd(keepPlan)
      .execute();
    batch.channels = new Map(channels.map(({ routing_config_version: _, ...c }) => [c.id, c]));
    for (const c of channels) batch.routingConfigVersions.set(c.tenant_id, c.routing_config_version);
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
