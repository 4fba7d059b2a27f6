import { sql, type Transaction } from 'kysely';
import type { Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { InboundBatch, type InboundOptions, type InboundOutcome } from './batch.js';
import { InboundPipeline, type InboundFeature } from './pipeline.js';
import { assign } from './steps/assign.js';
import { dedupe } from './steps/dedupe.js';
import { adoptNames, identify } from './steps/identify.js';
import { route } from './steps/route.js';
import { store } from './steps/store.js';
import { thread } from './steps/thread.js';

export type { InboundOutcome } from './batch.js';

/**
 * The inbound pipeline: the router's own steps in order (dedupe, identify, thread, store, route,
 * assign, adopt-names), with each feature's steps placed among them. Which features run is the
 * composition root's choice (app/pipeline.ts); the router names none.
 */
export function createInboundPipeline(features: readonly InboundFeature[]): InboundPipeline {
  const pipeline = new InboundPipeline([dedupe, identify, thread, store, route, assign, adoptNames]);
  for (const feature of features) pipeline.install(feature);
  return pipeline;
}

/**
 * A batch of inbound messages through the pipeline's steps, in the caller's transaction, with
 * every event in the outbox. Ordered locks (see ../locking.ts) keep it deadlock-free beside other
 * router processes and console actions.
 */
export async function processInbound(
  trx: Transaction<Database>,
  envelopes: readonly InboundEnvelope[],
  options: InboundOptions & { pipeline: InboundPipeline },
): Promise<InboundOutcome> {
  const batch = new InboundBatch(trx, envelopes, options);
  if (envelopes.length === 0) return batch.outcome;
  await preferKeyLookups(trx);
  await options.pipeline.run(batch);
  await batch.events.flush(trx);
  return batch.outcome;
}

/**
 * Every statement of a batch reaches its rows by key (an id, a thread, an identity), so reading
 * a whole table is never the plan it wants. PostgreSQL picks a sequential scan while a table is
 * small or has no statistics yet (autovacuum off, a new install), and keeps picking it until the
 * table is large: a cost per message that grows with the conversations. Scans stay possible
 * where no index fits; they are only priced last, for this transaction alone.
 *
 * Pricing scans last inflates the estimated cost of any statement that still scans past
 * PostgreSQL's JIT threshold, and compiling such a statement took 70 ms for one that runs in
 * under one: no statement of a batch is long enough to repay a compile, so JIT is off too.
 */
async function preferKeyLookups(trx: Transaction<Database>): Promise<void> {
  await sql`select set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`.execute(trx);
}
