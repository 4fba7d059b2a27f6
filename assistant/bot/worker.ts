import { sql, type Transaction } from 'kysely';
import type { Consumer } from '../../core/bus/bus.js';
import type { Context } from '../../core/context.js';
import { queueReply } from '../../core/conversations/reply.js';
import type { Db } from '../../core/db/database.js';
import type { Conversation, Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import type { EventEnvelope } from '../../core/outbox/outbox.js';
import { recordEvents } from '../../core/outbox/outbox.js';
import { routeHeldConversation } from '../../router/part.js';
import { ModelUnavailableError, type ModelGateway } from '../model/gateway.js';
import { answerParts, findAnswer, localeOf } from './answer.js';
import { botDb, botTrx, type Citation } from './schema.js';
import { BOT_HANDED_OVER, BOT_TURN, heldByBot, writeHandoverNote } from './step.js';
import { handoverSummary, type HandoffReason } from './summary.js';

export const BOT_QUEUE = 'assistant.bot';

/** What the worker needs of a process; a test passes a narrower object and its own gateway. */
export type BotDeps = Pick<Context, 'database' | 'config' | 'logger'> & { relay: { poke(): void } };

export type TurnOutcome = 'answered' | 'handed_over' | 'skipped' | 'none';

/** What the bot says when it hands over for want of an answer (the customer asked for a person: the chat says so itself). */
const NO_ANSWER: Record<'zh' | 'en', string> = {
  en: 'I don’t know the answer to that. I’m passing you to a person; please hold on.',
  zh: '抱歉，这个问题我不知道答案。正在为您转接人工客服，请稍候。',
};

/** The minimum score when a channel's settings are gone (the turn was taken before they were deleted). */
const DEFAULT_MIN_SCORE = 0.4;

/**
 * Answers one turn of the bot (a `bot.turn` event). The answer is looked for outside any
 * transaction (the knowledge base, the model); then one short transaction locks the conversation
 * and writes the answer only if the turn is still pending and its session still active: a
 * redelivered event answers nothing twice and nothing is said after a handover. No answer (no
 * article, too weak a match, the model does not know or fails) hands the conversation over and
 * routes it as if the bot had not been there.
 */
export async function answerTurn(deps: BotDeps, gateway: ModelGateway, tenantId: string, turnId: string): Promise<TurnOutcome> {
  const db = botDb(deps.database.db);
  const turn = await db
    .selectFrom('bot_turns as t')
    .innerJoin('bot_sessions as s', 's.conversation_id', 't.conversation_id')
    .innerJoin('tenants as tn', 'tn.id', 't.tenant_id')
    .innerJoin('channels as ch', (j) => j.onRef('ch.id', '=', 's.channel_id').onRef('ch.tenant_id', '=', 's.tenant_id'))
    .innerJoin('conversations as c', (j) => j.onRef('c.id', '=', 't.conversation_id').onRef('c.tenant_id', '=', 't.tenant_id'))
    .innerJoin('contacts as ct', (j) => j.onRef('ct.id', '=', 'c.contact_id').onRef('ct.tenant_id', '=', 'c.tenant_id'))
    .leftJoin('bot_settings as b', 'b.channel_id', 's.channel_id')
    .select([
      't.id',
      't.conversation_id',
      't.question',
      't.state',
      't.created_at',
      's.state as session_state',
      's.started_at',
      's.first_envelope',
      'tn.slug',
      'ch.type as channel_type',
      'ct.attributes',
      'b.min_score',
    ])
    .where('t.tenant_id', '=', tenantId)
    .where('t.id', '=', turnId)
    .executeTakeFirst();
  if (turn?.state !== 'pending' || turn.session_state !== 'active') return 'none';
  const earlier = await db
    .selectFrom('bot_turns')
    .select('question')
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', turn.conversation_id)
    .where('created_at', '<', turn.created_at)
    .orderBy('created_at', 'desc')
    .limit(4)
    .execute();

  const locale = localeOf(turn.question, (turn.first_envelope as InboundEnvelope).message?.language, turn.attributes?.language);
  const started = performance.now();
  const found = await findAnswer(
    { db: deps.database.db, config: deps.config, gateway },
    {
      tenant: { id: tenantId, slug: turn.slug },
      question: turn.question,
      locale,
      minScore: turn.min_score ?? DEFAULT_MIN_SCORE,
      history: earlier.map((e) => e.question).reverse(),
    },
  );
  const latencyMs = Math.round(performance.now() - started);

  const outcome = await deps.database.db.transaction().execute(async (trx): Promise<TurnOutcome> => {
    const conversation = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', turn.conversation_id)
      .forUpdate()
      .executeTakeFirst();
    if (!conversation) return 'none';
    const done = { articles: JSON.stringify(found.citations), score: found.score, latency_ms: latencyMs, answered_at: sql<Date>`now()` };
    const held = heldByBot(conversation) && !(await agentReplied(trx, tenantId, conversation.id, turn.started_at));
    if (found.kind === 'answer' && held) {
      const claimed = await botTrx(trx)
        .updateTable('bot_turns')
        .set({ state: 'answered', ...done })
        .where('id', '=', turnId)
        .where('state', '=', 'pending')
        .where((eb) =>
          eb.exists(eb.selectFrom('bot_sessions').select('conversation_id').where('conversation_id', '=', turn.conversation_id).where('state', '=', 'active')),
        )
        .returning('id')
        .executeTakeFirst();
      if (!claimed) return 'none';
      const { message } = await queueReply(trx as unknown as Db, {
        tenantId,
        conversationId: conversation.id,
        sender: { type: 'bot', id: null },
        parts: answerParts(turn.channel_type, found.text, found.citations),
        clientId: `bot-turn:${turnId}`,
      });
      await botTrx(trx).updateTable('bot_turns').set({ reply_message_id: message.id }).where('id', '=', turnId).execute();
      await botTrx(trx).updateTable('bot_sessions').set({ answered: sql`answered + 1` }).where('conversation_id', '=', conversation.id).execute();
      return 'answered';
    }
    // Placed by someone meanwhile: the bot stops without a word. Else it hands over for its reason.
    const reason: HandoffReason = held ? (found.kind === 'handover' ? found.reason : 'no answer') : 'agent took over';
    const claimed = await botTrx(trx)
      .updateTable('bot_turns')
      .set({ state: reason === 'agent took over' ? 'skipped' : 'handed_over', ...done })
      .where('id', '=', turnId)
      .where('state', '=', 'pending')
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return 'none';
    if (!(await handOver(trx, tenantId, conversation, reason))) return 'none';
    if (reason === 'agent took over') return 'skipped';
    // The customer is told the bot has no answer and a person is coming, in their language.
    await queueReply(trx as unknown as Db, {
      tenantId,
      conversationId: conversation.id,
      sender: { type: 'bot', id: null },
      parts: [{ type: 'text', text: NO_ANSWER[locale] }],
      clientId: `bot-handover:${turnId}`,
    });
    return 'handed_over';
  });
  if (outcome !== 'none') deps.relay.poke();
  return outcome;
}

/**
 * Whether an agent wrote to the customer since the bot took the conversation, without taking it
 * (a reply from the list of all conversations): the bot leaves it to them.
 */
export async function agentReplied(trx: Transaction<Database>, tenantId: string, conversationId: string, since: Date): Promise<boolean> {
  const row = await trx
    .selectFrom('messages')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversationId)
    .where('sender_type', '=', 'agent')
    .where('private', '=', false)
    .where('created_at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Ends the bot's session of a conversation (the caller holds its row) and, unless someone placed
 * the conversation already, leaves the bot's summary as a note (not when an agent is on it) and
 * routes it with the message that opened it. Answers false when the session was not active (handed over or resolved already).
 */
export async function handOver(trx: Transaction<Database>, tenantId: string, conversation: Conversation, reason: HandoffReason): Promise<boolean> {
  const session = await botTrx(trx)
    .updateTable('bot_sessions')
    .set({ state: 'handed_over', handoff_reason: reason, ended_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversation.id)
    .where('state', '=', 'active')
    .returning(['first_envelope', 'previous_assignee_id'])
    .executeTakeFirst();
  if (!session) return false;
  await botTrx(trx)
    .updateTable('bot_turns')
    .set({ state: 'skipped' })
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversation.id)
    .where('state', '=', 'pending')
    .execute();
  await recordEvents(trx, [{ tenantId, kind: BOT_HANDED_OVER, payload: { conversationId: conversation.id, reason } }]);
  // Placed by someone: nothing more to do. Answered by an agent who did not take it: routed, no note.
  if (!heldByBot(conversation)) return true;
  if (reason !== 'agent took over') {
    const turns = await botTrx(trx)
      .selectFrom('bot_turns')
      .select(['question', 'articles'])
      .where('tenant_id', '=', tenantId)
      .where('conversation_id', '=', conversation.id)
      .orderBy('created_at')
      .execute();
    await writeHandoverNote(trx as unknown as Db, tenantId, conversation.id, handoverSummary(reason, turns as { question: string; articles: Citation[] }[]));
  }
  const contact = await trx
    .selectFrom('contacts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', conversation.contact_id)
    .executeTakeFirstOrThrow();
  await routeHeldConversation(trx, {
    conversation,
    envelope: session.first_envelope as InboundEnvelope,
    contact,
    previousAssigneeId: session.previous_assignee_id,
  });
  return true;
}

/**
 * With a model set up, the agent who takes a conversation over also gets the model's summary of
 * what the customer wanted and what the bot answered, as a second note (the plain one, written at
 * the handover, needs no model). Once per session: a redelivered event writes nothing twice. No
 * model, a failing one, or a handover because an agent took the conversation: nothing.
 */
export async function summarizeHandover(deps: BotDeps, gateway: ModelGateway, tenantId: string, conversationId: string, reason: unknown): Promise<boolean> {
  if (reason === 'agent took over' || !(await gateway.configured(tenantId))) return false;
  const db = botDb(deps.database.db);
  const session = await db
    .selectFrom('bot_sessions')
    .select(['started_at', 'state'])
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (session?.state !== 'handed_over') return false;
  const clientId = `bot-summary:${new Date(session.started_at).getTime()}`;
  const turns = await db
    .selectFrom('bot_turns as t')
    .leftJoin('messages as m', 'm.id', 't.reply_message_id')
    .select(['t.question', 'm.content as reply'])
    .where('t.tenant_id', '=', tenantId)
    .where('t.conversation_id', '=', conversationId)
    .where('t.created_at', '>=', session.started_at)
    .orderBy('t.created_at')
    .execute();
  if (turns.length === 0) return false;
  const transcript = turns
    .map((t) => {
      const answer = ((t.reply as { type: string; text?: string }[] | null) ?? []).find((p) => p.type === 'text')?.text;
      return `Customer: ${t.question}${answer ? `\nBot: ${answer}` : ''}`;
    })
    .join('\n');
  let summary: string;
  try {
    const completion = await gateway.complete({
      tenantId,
      feature: 'bot',
      messages: [
        {
          role: 'system',
          content:
            "Summarize, for the customer-service agent who takes this conversation over from the company's answer bot, in at most 3 short sentences: what the customer wants, what the bot already told them, and what is still open. Write in the customer's language. Do not address the customer.",
        },
        { role: 'user', content: transcript },
      ],
      maxTokens: 300,
      temperature: 0,
    });
    summary = completion.text.trim();
  } catch (error) {
    if (error instanceof ModelUnavailableError) return false;
    throw error;
  }
  if (!summary) return false;
  const { duplicate } = await queueReply(deps.database.db, {
    tenantId,
    conversationId,
    sender: { type: 'bot', id: null },
    parts: [{ type: 'text', text: `Summary by the model / 模型摘要:\n${summary}` }],
    private: true,
    clientId,
  });
  if (!duplicate) deps.relay.poke();
  return !duplicate;
}

/**
 * The bot's worker: a queue bound to every company's `bot.turn` events, each turn answered by
 * `answerTurn`, and to `bot.handed_over`, for the model's summary (`summarizeHandover`); retried
 * with back-off when one fails (the database away).
 */
export class BotWorker {
  private consumer: Consumer | undefined;

  constructor(
    private readonly ctx: BotDeps & Pick<Context, 'bus'>,
    private readonly gateway: ModelGateway,
  ) {}

  async start(): Promise<void> {
    await this.ctx.bus.declareQueue({
      name: BOT_QUEUE,
      bindings: [
        { exchange: 'events', pattern: `*.${BOT_TURN}` },
        { exchange: 'events', pattern: `*.${BOT_HANDED_OVER}` },
      ],
      retry: { attempts: 5, baseDelayMs: 1000 },
    });
    this.consumer = await this.ctx.bus.consume(
      BOT_QUEUE,
      async (delivery) => {
        const envelope = delivery.json<EventEnvelope>();
        const { turnId, conversationId, reason } = envelope.payload;
        if (!envelope.tenantId) return;
        if (envelope.kind === BOT_TURN && typeof turnId === 'string') await answerTurn(this.ctx, this.gateway, envelope.tenantId, turnId);
        if (envelope.kind === BOT_HANDED_OVER && typeof conversationId === 'string')
          await summarizeHandover(this.ctx, this.gateway, envelope.tenantId, conversationId, reason);
      },
      { prefetch: 8 },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
  }
}
