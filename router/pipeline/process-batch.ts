import type { Transaction } from 'kysely';
import type { Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { surveyAnswers } from '../../reports/csat/inbound-steps.js';
import { channelRouting } from '../channel-routing/inbound-steps.js';
import { autoResolveTimers } from '../timers/auto-resolve-step.js';
import { InboundBatch, type InboundOptions, type InboundOutcome } from './batch.js';
import { InboundPipeline, type InboundFeature } from './pipeline.js';
import { assign } from './steps/assign.js';
import { dedupe } from './steps/dedupe.js';
import { adoptNames, identify } from './steps/identify.js';
import { route } from './steps/route.js';
import { store } from './steps/store.js';
import { thread } from './steps/thread.js';

export type { InboundOutcome } from './batch.js';

/** The features whose steps every router runs today (a composition root may choose others). */
export const defaultInboundFeatures: readonly InboundFeature[] = [
  surveyAnswers, // survey-ratings after store; a rating reply is claimed by its resolved conversation
  channelRouting, // channel-routing before route; channel-endings after assign
  autoResolveTimers, // auto-resolve-timers before adopt-names
];

/**
 * The inbound pipeline: the router's own steps in order, with each feature's steps placed among
 * them. With the default features it runs: dedupe, identify, thread, store, survey-ratings,
 * channel-routing, route, assign, channel-endings, auto-resolve-timers, adopt-names.
 */
export function createInboundPipeline(features: readonly InboundFeature[] = defaultInboundFeatures): InboundPipeline {
  const pipeline = new InboundPipeline([dedupe, identify, thread, store, route, assign, adoptNames]);
  for (const feature of features) pipeline.install(feature);
  return pipeline;
}

const defaultPipeline = createInboundPipeline();

/**
 * A batch of inbound messages through the pipeline's steps, in the caller's transaction, with
 * every event in the outbox. Ordered locks (see ../locking.ts) keep it deadlock-free beside other
 * router processes and console actions.
 */
export async function processInbound(
  trx: Transaction<Database>,
  envelopes: readonly InboundEnvelope[],
  options: InboundOptions & { pipeline?: InboundPipeline } = {},
): Promise<InboundOutcome> {
  const batch = new InboundBatch(trx, envelopes, options);
  if (envelopes.length === 0) return batch.outcome;
  await (options.pipeline ?? defaultPipeline).run(batch);
  await batch.events.flush(trx);
  return batch.outcome;
}
