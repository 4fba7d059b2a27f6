import type { Bus, Consumer } from '../core/bus/bus.js';
import type { Config } from '../core/config/config.js';
import type { JobRegistry } from '../core/jobs/runner.js';
import type { RouterDeps } from './deps.js';
import { channelRouting } from './channel-routing/inbound-steps.js';
import { consumeInbound } from './pipeline/consumer.js';
import type { InboundFeature, InboundPipeline } from './pipeline/pipeline.js';
import { autoResolveTimers } from './timers/auto-resolve-step.js';
import { registerRouterTimers } from './timers/runner.js';

export { createInboundPipeline } from './pipeline/process-batch.js';
export type { InboundFeature, InboundPipeline, InboundStep, StepPlace, ThreadClaim } from './pipeline/pipeline.js';
export type { InboundBatch, ThreadedMessage, ToRoute } from './pipeline/batch.js';
export { messageText } from './pipeline/envelope.js';
/** For features that hold conversations back from routing (the answer bot) and route or resolve them later. */
export { resolveHeldConversation, routeHeldConversation, type HeldConversation } from './assignment/held.js';
export { lockTenantRouting } from './locking.js';
export { calendarLookup } from './rules/config.js';
export { resolveLocked } from './conversations/resolve-conversation.js';

/**
 * The router's own features in the inbound pipeline: channel-routing before route and
 * channel-endings after assign; auto-resolve-timers before adopt-names.
 */
export const routerInbound: readonly InboundFeature[] = [channelRouting, autoResolveTimers];

/** A running router: consumers on the inbound shards; its timers run on the process's job runner. */
export interface RouterPart {
  name: 'router';
  stop(): Promise<void>;
}

/**
 * The router role's part: consumers on the inbound shards running `pipeline`, and the router's
 * timers (no-answer, overflow, auto-resolve, the queue sweep) registered on `jobs`, the process's
 * one job runner, which the caller starts once everything is registered.
 */
export async function startRouter(
  ctx: RouterDeps & { bus: Bus; config: Pick<Config, 'inboundShards'> },
  options: { pipeline: InboundPipeline; jobs: JobRegistry; batchSize?: number; maxWaitMs?: number },
): Promise<RouterPart> {
  const consumers: Consumer[] = await consumeInbound(ctx, {
    pipeline: options.pipeline,
    shards: ctx.config.inboundShards,
    batchSize: options.batchSize,
    maxWaitMs: options.maxWaitMs,
  });
  registerRouterTimers(options.jobs, ctx);
  ctx.logger.info({ shards: ctx.config.inboundShards }, 'router consuming inbound shards');
  let stopping: Promise<void> | undefined;
  return {
    name: 'router',
    stop: () =>
      (stopping ??= (async () => {
        // Each consumer finishes and settles the batch in hand before it returns.
        await Promise.all(consumers.map((c) => c.close()));
      })()),
  };
}
