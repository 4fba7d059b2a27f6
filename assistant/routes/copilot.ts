import type { Context as HonoContext } from 'hono';
import { z } from 'zod';
import type { Principal } from '../../core/auth/permissions.js';
import type { Db } from '../../core/db/database.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { visibleTo } from '../../console/server/conversations/visibility.js';
import { rewriteText, suggestReply, summarizeConversation, translateText } from '../copilot/copilot.js';
import { modelGateway, ModelUnavailableError } from '../model/gateway.js';

/** Whoever sees conversations: the copilot works on what they see, and sends nothing. */
const AGENTS = { anyOf: ['conversations.view.all', 'conversations.view.group', 'conversations.view.own'] } as const;

const conversationBody = z.object({ conversationId: z.uuid() });
const text = z.string().trim().min(1).max(8000);

const textAnswer = z.object({ text: z.string() }).meta({ id: 'CopilotText' });
const suggestion = z
  .object({
    text: z.string(),
    articles: z.array(z.object({ id: z.string(), title: z.string(), url: z.string(), cited: z.boolean() })),
  })
  .meta({ id: 'CopilotSuggestion' });

/** The conversation, if this agent may see it; 404 otherwise, as the inbox answers. */
async function requireVisible(db: Db, principal: Principal, conversationId: string): Promise<void> {
  const found = await db
    .selectFrom('conversations')
    .select('id')
    .where('tenant_id', '=', principal.tenantId)
    .where('id', '=', conversationId)
    .where((eb) => visibleTo(eb, principal))
    .executeTakeFirst();
  if (!found) throw new NotFoundError('conversation');
}

/**
 * Runs one copilot call; a model that is not set up is a 409 (`not_configured`), one that gave no
 * answer a 502 with why (`unauthorized`, `rate_limited`, `timeout`, `failed`), for the reply box
 * to say.
 */
async function withModel(c: HonoContext, work: () => Promise<unknown>): Promise<Response> {
  try {
    return c.json(await work());
  } catch (error) {
    if (!(error instanceof ModelUnavailableError)) throw error;
    if (error.reason === 'not_configured') throw new ConflictError(error.message, 'not_configured');
    return c.json({ error: 'model_unavailable', reason: error.reason, message: error.message }, 502);
  }
}

/**
 * The agents' copilot, one click each in the reply box: a suggested reply grounded in the
 * knowledge base, a summary, a rewrite, a translation. Every answer goes back to the agent;
 * nothing is sent to the customer.
 */
export function copilotRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/assistant/copilot',
      tag: 'assistant',
      summary: "Whether the company's AI model is set up, so the reply box offers the copilot",
      access: { signedIn: true },
      responds: z.object({ configured: z.boolean() }).meta({ id: 'CopilotStatus' }),
      handler: async ({ c, ctx, tenant }) => c.json({ configured: await modelGateway(ctx).configured(tenant.id) }),
    }),
    route({
      method: 'post',
      path: '/assistant/copilot/suggest',
      tag: 'assistant',
      summary:
        "A reply for the agent to edit, from the conversation's latest messages and the knowledge base's best articles (linked when used); nothing is sent",
      access: AGENTS,
      body: conversationBody,
      example: { conversationId: '00000000-0000-4000-8000-000000000000' },
      responds: suggestion,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        await requireVisible(ctx.database.db, auth.principal, body.conversationId);
        return withModel(c, () => suggestReply(ctx, tenant, body.conversationId));
      },
    }),
    route({
      method: 'post',
      path: '/assistant/copilot/summarize',
      tag: 'assistant',
      summary: 'A short summary of the conversation (internal notes included) for the agent; nothing is written',
      access: AGENTS,
      body: conversationBody,
      example: { conversationId: '00000000-0000-4000-8000-000000000000' },
      responds: textAnswer,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        await requireVisible(ctx.database.db, auth.principal, body.conversationId);
        return withModel(c, async () => {
          const summary = await summarizeConversation(ctx, tenant.id, body.conversationId);
          if (summary === undefined) throw new ConflictError('the conversation has no message to summarize yet', 'empty');
          return { text: summary };
        });
      },
    }),
    route({
      method: 'post',
      path: '/assistant/copilot/rewrite',
      tag: 'assistant',
      summary: "The agent's draft rewritten shorter, friendlier, or with its grammar fixed",
      access: AGENTS,
      body: z.object({ text, style: z.enum(['shorter', 'friendlier', 'grammar']) }),
      example: { text: 'we cant refund after 30 days sorry', style: 'grammar' },
      responds: textAnswer,
      handler: async ({ c, ctx, tenant, body }) => withModel(c, async () => ({ text: await rewriteText(ctx, tenant.id, body.text, body.style) })),
    }),
    route({
      method: 'post',
      path: '/assistant/copilot/translate',
      tag: 'assistant',
      summary: "A customer's message or the agent's draft in Chinese or English",
      access: AGENTS,
      body: z.object({ text, to: z.enum(['zh', 'en']) }),
      example: { text: '我想退货', to: 'en' },
      responds: textAnswer,
      handler: async ({ c, ctx, tenant, body }) => withModel(c, async () => ({ text: await translateText(ctx, tenant.id, body.text, body.to) })),
    }),
  ];
}
