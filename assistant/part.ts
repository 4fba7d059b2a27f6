import type { Context } from '../core/context.js';
import type { Migrations } from '../core/db/migrate.js';
import type { AnyRoute } from '../console/server/api/route.js';
import type { InboundFeature } from '../router/part.js';
import { migration as aiModel } from './migrations/0040_ai_model.js';
import { copilotRoutes } from './routes/copilot.js';
import { modelRoutes } from './routes/model.js';
import { HandoverSummaries } from './summaries/handover.js';

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

/** The assistant's tables: the company's model and its usage, the answer bot's settings and sessions. */
export const assistantMigrations: Migrations = { '0040_ai_model': aiModel };

/** The answer bot's steps in the inbound pipeline. */
export const assistantInbound: readonly InboundFeature[] = [];

/** The assistant's routes in the console's API: model settings, copilot, answer bot settings. */
export function assistantRoutes(): AnyRoute[] {
  return [...modelRoutes(), ...copilotRoutes()];
}

/**
 * The assistant's part in the router role: the answer bot's worker, and the summaries written
 * into a conversation (and its ticket) when it is transferred or escalated.
 */
export async function startAssistant(ctx: Context): Promise<{ name: string; stop(): Promise<void> }> {
  const summaries = new HandoverSummaries(ctx);
  await summaries.start();
  return { name: 'assistant', stop: () => summaries.stop() };
}
