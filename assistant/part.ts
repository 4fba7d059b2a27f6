import type { Context } from '../core/context.js';
import type { Migrations } from '../core/db/migrate.js';
import { JobRunner } from '../core/jobs/runner.js';
import type { AnyRoute } from '../console/server/api/route.js';
import type { InboundFeature } from '../router/part.js';
import { answerBotInbound } from './bot/step.js';
import { botSweepTask } from './bot/sweep.js';
import { BotWorker } from './bot/worker.js';
import { botRoutes } from './bot/routes.js';
import { modelGateway } from './model/gateway.js';
import { migration as answerBot } from './migrations/0041_answer_bot.js';

export { modelGateway, ModelUnavailableError, type ChatMessage, type Completion, type CompletionRequest, type ModelGateway } from './model/gateway.js';
/** The answer bot's background work, for a process that runs its own job runner or worker. */
export { answerTurn, BotWorker, BOT_QUEUE } from './bot/worker.js';
export { botSweepTask, handOverStuckTurns, resolveIdleSessions, BOT_IDLE_MS, BOT_STUCK_MS } from './bot/sweep.js';
export type { BotTables } from './bot/schema.js';

/** The assistant's tables: the company's model and its usage, the answer bot's settings and sessions. */
export const assistantMigrations: Migrations = { '0041_answer_bot': answerBot };

/** The answer bot's steps in the inbound pipeline. */
export const assistantInbound: readonly InboundFeature[] = [answerBotInbound];

/** The assistant's routes in the console's API: model settings, copilot, answer bot settings. */
export function assistantRoutes(): AnyRoute[] {
  return [...botRoutes()];
}

/**
 * The assistant's part in the router role: the answer bot's worker (its `bot.turn` events) and
 * its sweep, which resolves the conversations whose customer went quiet after an answer.
 */
export async function startAssistant(ctx: Context): Promise<{ name: string; stop(): Promise<void> }> {
  const worker = new BotWorker(ctx, modelGateway(ctx));
  await worker.start();
  const jobs = new JobRunner({ db: ctx.database.db, logger: ctx.logger, poke: () => ctx.relay.poke() }, { pollMs: 5000 }).every(botSweepTask(ctx.database.db));
  jobs.start();
  return {
    name: 'assistant',
    async stop() {
      await jobs.stop();
      await worker.stop();
    },
  };
}
