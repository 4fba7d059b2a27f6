import type { Context } from '../core/context.js';
import type { Migrations } from '../core/db/migrate.js';
import type { JobRegistry } from '../core/jobs/runner.js';
import type { AnyRoute } from '../console/server/api/route.js';
import type { InboundFeature } from '../router/part.js';
import { answerBotInbound } from './bot/step.js';
import { botSweepTask } from './bot/sweep.js';
import { BotWorker } from './bot/worker.js';
import { botRoutes } from './bot/routes.js';
import { migration as aiModel } from './migrations/0040_ai_model.js';
import { migration as answerBot } from './migrations/0041_answer_bot.js';
import { modelGateway } from './model/gateway.js';
import { copilotRoutes } from './routes/copilot.js';
import { modelRoutes } from './routes/model.js';
import { reportRoutes } from './routes/reports.js';
import { HandoverSummaries } from './summaries/handover.js';
import { AutomationClassifier } from './automation/classify.js';

export {
  modelGateway,
  ModelUnavailableError,
  type ChatMessage,
  type Completion,
  type CompletionRequest,
  type ModelFeature,
  type ModelGateway,
} from './model/gateway.js';
/** A conversation summed up for whoever takes it over (the answer bot's handoff note uses it too). */
export { summarizeConversation } from './copilot/copilot.js';
/** The answer bot's background work, for a process that runs its own job runner or worker. */
export { answerTurn, BotWorker, BOT_QUEUE } from './bot/worker.js';
export { botSweepTask, handOverStuckTurns, resolveIdleSessions, BOT_IDLE_MS, BOT_STUCK_MS } from './bot/sweep.js';
export type { BotTables } from './bot/schema.js';

/** The assistant's tables: the company's model and its usage, the answer bot's settings and sessions. */
export const assistantMigrations: Migrations = { '0040_ai_model': aiModel, '0041_answer_bot': answerBot };

/** The answer bot's steps in the inbound pipeline. */
export const assistantInbound: readonly InboundFeature[] = [answerBotInbound];

/** The assistant's routes in the console's API: model settings, copilot, answer bot settings, its report. */
export function assistantRoutes(): AnyRoute[] {
  return [...modelRoutes(), ...copilotRoutes(), ...botRoutes(), ...reportRoutes()];
}

/**
 * The assistant's part in the router role: the answer bot's worker (its `bot.turn` events) and its
 * sweep on the process's job runner, which resolves the conversations whose customer went quiet
 * after an answer; and the summaries written into a conversation (and its ticket) when it is
 * transferred or escalated; and the `ai_classify` actions of ticket automations.
 */
export async function startAssistant(ctx: Context, jobs: JobRegistry): Promise<{ name: string; stop(): Promise<void> }> {
  const worker = new BotWorker(ctx, modelGateway(ctx));
  const summaries = new HandoverSummaries(ctx);
  const classifier = new AutomationClassifier(ctx);
  await worker.start();
  await summaries.start();
  await classifier.start();
  jobs.every(botSweepTask(ctx.database.db));
  return {
    name: 'assistant',
    async stop() {
      await classifier.stop();
      await summaries.stop();
      await worker.stop();
    },
  };
}
