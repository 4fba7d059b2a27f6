// Runs part of the inbound pipeline (the steps a test names, in order) on a batch, in a
// transaction that is rolled back unless `commit` is set, and answers what the batch holds after.
import type { Db } from '../../core/db/database.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { InboundBatch } from '../../router/pipeline/batch.js';
import { InboundPipeline, type InboundStep, type ThreadClaim } from '../../router/pipeline/pipeline.js';

export async function runSteps(
  db: Db,
  steps: readonly InboundStep[],
  envelopes: readonly InboundEnvelope[],
  options: { commit?: boolean; claims?: readonly ThreadClaim[] } = {},
): Promise<InboundBatch> {
  const pipeline = new InboundPipeline(steps);
  for (const claim of options.claims ?? []) pipeline.claimThreads(claim);
  let result: InboundBatch | undefined;
  const rollback = new Error('rolled back');
  try {
    await db.transaction().execute(async (trx) => {
      const batch = new InboundBatch(trx, envelopes);
      await pipeline.run(batch);
      await batch.events.flush(trx);
      result = batch;
      if (!options.commit) throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  }
  return result!;
}
