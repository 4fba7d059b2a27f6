import { sql } from 'kysely';
import { queueReply } from '../../core/conversations/reply.js';
import type { Db } from '../../core/db/database.js';
import { keepPlan } from '../../core/db/keep-plan.js';
import type { Conversation } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import {
  calendarLookup,
  lockTenantRouting,
  messageText,
  resolveLocked,
  type InboundBatch,
  type InboundFeature,
  type InboundStep,
  type ThreadedMessage,
} from '../../router/part.js';
import { botTrx, type BotSettingsTable, type Citation, type SessionState } from './schema.js';
import { handoverSummary, type HandoffReason } from './summary.js';
import { asksForPerson, saysSolved } from './words.js';

/** Event kinds of the answer bot, on the `events` exchange as `<tenant>.<kind>`. */
export const BOT_TURN = 'bot.turn';
export const BOT_HANDED_OVER = 'bot.handed_over';
export const BOT_RESOLVED = 'bot.resolved';
/** The reason a conversation the bot resolved keeps in the assignment log. */
export const RESOLVED_BY_BOT = 'resolved by the answer bot';

/** A channel's settings as the step reads them. */
export type BotSettings = Pick<BotSettingsTable, 'channel_id' | 'tenant_id'> & {
  enabled: boolean;
  max_turns: number;
  min_score: number;
  handoff_keywords: string[];
  handoff_tags: string[];
  hours: 'always' | 'outside_business_hours';
};

/** A session as the batch changes it; written once at the end of the step. */
interface Session {
  conversationId: string;
  tenantId: string;
  channelId: string;
  state: SessionState;
  turns: number;
  answered: number;
  reason: HandoffReason | null;
  firstEnvelope: InboundEnvelope;
  previousAssigneeId: string | null;
  /** Made by this batch (inserted), else read (updated). */
  fresh: boolean;
}

interface NewTurn {
  session: Session;
  messageId: string;
  question: string;
}

/**
 * Before route: the answer bot takes the conversations it may answer out of routing, and hands
 * them back to it when people must take over.
 *
 * A new or reopened conversation on a channel whose bot is on gets a session and its first turn
 * (a `bot.turn` event for the worker, ./worker.ts), unless a rule sends it straight to people: a
 * contact tag of the channel's list (VIP), a handover word in the first message, the company
 * being open when the bot answers only outside business hours, a phone call, or a channel that
 * said where the conversation goes. A later message in a conversation the bot holds is another
 * turn, or: a handover (the customer asks for a person, or the bot answered as often as it may),
 * the end of the session (an agent took the conversation meanwhile), or the conversation's
 * resolution (the customer says it is solved right after an answer). A handover puts the
 * conversation back up for routing with the message that opened it, so route and assign treat it
 * as they would have without the bot, and leaves the bot's summary as an internal note.
 *
 * Reads the batch's settings and active sessions in one query each; writes sessions and turns in
 * a few statements per batch, whatever its size. Handovers and resolutions (rare) cost more.
 */
export const answerBotStep: InboundStep = {
  name: 'answer-bot',
  async run(batch) {
    const messages = batch.threaded.filter((m) => m.outcome !== 'claimed' && batch.stored.has(m.envelope));
    if (messages.length === 0) return;
    const trx = botTrx(batch.trx);
    const tenants = unique(messages.map((m) => m.envelope.tenantId));
    const settingRows = await trx
      .selectFrom('bot_settings')
      .selectAll()
      .where(sql<boolean>`tenant_id = any(${tenants}::uuid[]) and channel_id = any(${unique(messages.map((m) => m.envelope.channelId))}::uuid[])`)
      // Every batch asks it, with this one text: its plan is kept.
      .modifyEnd(keepPlan)
      .execute();
    // A channel that never had the bot set up has no sessions: most batches stop here, on one query.
    if (settingRows.length === 0) return;
    const settings = new Map(settingRows.map((row) => [row.channel_id, row as BotSettings]));
    const sessionRows = await trx
      .selectFrom('bot_sessions')
      .select(['conversation_id', 'tenant_id', 'channel_id', 'turns', 'answered', 'first_envelope', 'previous_assignee_id'])
      .where('tenant_id', 'in', tenants)
      .where('conversation_id', 'in', unique(messages.map((m) => m.conversation.id)))
      .where('state', '=', 'active')
      .execute();
    if (settingRows.every((s) => !s.enabled) && sessionRows.length === 0) return;

    const sessions = new Map<string, Session>(
      sessionRows.map((row) => [
        row.conversation_id,
        {
          conversationId: row.conversation_id,
          tenantId: row.tenant_id,
          channelId: row.channel_id,
          state: 'active',
          turns: row.turns,
          answered: row.answered,
          reason: null,
          firstEnvelope: row.first_envelope as InboundEnvelope,
          previousAssigneeId: row.previous_assignee_id,
          fresh: false,
        },
      ]),
    );
    const touched = new Set<Session>();
    const turns: NewTurn[] = [];
    const resolved: { session: Session; message: ThreadedMessage }[] = [];
    const handedOver: Session[] = [];
    const end = (session: Session, state: 'handed_over' | 'resolved', reason: HandoffReason | null) => {
      session.state = state;
      session.reason = reason;
      touched.add(session);
      if (state === 'handed_over') handedOver.push(session);
    };
    const handOver = (session: Session, message: ThreadedMessage, reason: HandoffReason) => {
      end(session, 'handed_over', reason);
      // Routed as it would have been when its first message came, had the bot not been there.
      batch.toRoute.set(session.conversationId, {
        conversation: message.conversation,
        envelope: session.firstEnvelope,
        contact: message.contact,
        previousAssigneeId: session.previousAssigneeId,
      });
    };

    for (const message of messages) {
      const { envelope, conversation, contact } = message;
      const stored = batch.stored.get(envelope)!;
      const text = messageText(envelope).trim();
      const channel = settings.get(envelope.channelId);
      const opened = batch.toRoute.get(conversation.id);
      if (opened) {
        // A new or reopened conversation (a session left from before it was resolved is over),
        // decided on the message that opened it; a later one of the batch follows that decision.
        if (opened.envelope !== envelope) continue;
        if (!channel?.enabled || opened.override || conversation.kind === 'voice' || !text) continue;
        if (contact.tags.some((tag) => channel.handoff_tags.includes(tag))) continue;
        if (asksForPerson(envelope, text, channel.handoff_keywords)) continue;
        if (channel.hours === 'outside_business_hours' && companyOpen(batch, envelope.tenantId)) continue;
        batch.toRoute.delete(conversation.id);
        const session: Session = {
          conversationId: conversation.id,
          tenantId: envelope.tenantId,
          channelId: envelope.channelId,
          state: 'active',
          turns: 1,
          answered: 0,
          reason: null,
          firstEnvelope: opened.envelope,
          previousAssigneeId: opened.previousAssigneeId,
          fresh: true,
        };
        sessions.set(conversation.id, session);
        touched.add(session);
        turns.push({ session, messageId: stored.id, question: text });
        continue;
      }
      const session = sessions.get(conversation.id);
      if (session?.state !== 'active') continue;
      touched.add(session);
      if (batch.current(conversation).status !== 'open') {
        // Someone placed it meanwhile (an agent took it, a transfer): the bot has no more say.
        end(session, 'handed_over', 'agent took over');
        continue;
      }
      const pending = turns.some((t) => t.session === session);
      if (!channel?.enabled) handOver(session, message, 'bot turned off');
      else if (asksForPerson(envelope, text, channel.handoff_keywords)) handOver(session, message, 'customer asked');
      else if (!pending && session.answered > 0 && session.answered === session.turns && saysSolved(text)) {
        end(session, 'resolved', null);
        resolved.push({ session, message });
      } else if (!text && envelope.message.parts.every((p) => p.type === 'event')) {
        // Nothing to answer (a page view, a typing sign): the session goes on.
      } else if (!text) handOver(session, message, 'no answer');
      else if (session.turns >= channel.max_turns) handOver(session, message, 'max turns');
      else {
        session.turns++;
        turns.push({ session, messageId: stored.id, question: text });
      }
    }
    if (touched.size === 0) return;

    await writeSessions(batch, [...touched]);
    const written = await writeTurns(batch, turns);
    const ended = [...touched].filter((s) => s.state !== 'active' && !s.fresh).map((s) => s.conversationId);
    if (ended.length > 0) {
      await trx
        .updateTable('bot_turns')
        .set({ state: 'skipped' })
        .where('tenant_id', 'in', tenants)
        .where('conversation_id', 'in', ended)
        .where('state', '=', 'pending')
        .execute();
    }
    for (const turn of written)
      batch.events.record({ tenantId: turn.tenant_id, kind: BOT_TURN, payload: { conversationId: turn.conversation_id, turnId: turn.id } });
    await writeNotes(
      batch,
      handedOver.filter((s) => s.reason !== 'agent took over'),
    );
    for (const session of handedOver) {
      batch.events.record({ tenantId: session.tenantId, kind: BOT_HANDED_OVER, payload: { conversationId: session.conversationId, reason: session.reason } });
    }
    if (resolved.length > 0) {
      // Resolving takes the tenant's routing lock: every tenant lock of the batch now, in order.
      const lockTenants = unique([...batch.toRoute.values()].map((r) => r.envelope.tenantId).concat(resolved.map((r) => r.session.tenantId))).sort();
      for (const tenantId of lockTenants) await lockTenantRouting(batch.trx, tenantId);
      for (const { session, message } of resolved) {
        const current = batch.current(message.conversation);
        batch.routed.set(current.id, await resolveLocked(batch.trx, batch.events, current, RESOLVED_BY_BOT));
        batch.events.record({ tenantId: session.tenantId, kind: BOT_RESOLVED, payload: { conversationId: session.conversationId } });
      }
    }
  },
};

/** Whether the company is open now by its default group's calendar (none: not known to be open). */
function companyOpen(batch: InboundBatch, tenantId: string): boolean {
  const config = batch.configs.get(tenantId);
  if (!config) return false;
  return calendarLookup(config, new Date())({ groupId: config.defaultGroupId ?? undefined }) === true;
}

/** New sessions in one insert (a reopened conversation's old session is replaced), the others in one update. */
async function writeSessions(batch: InboundBatch, sessions: Session[]): Promise<void> {
  const trx = botTrx(batch.trx);
  const fresh = sessions.filter((s) => s.fresh);
  if (fresh.length > 0) {
    const values = fresh.map((s) => ({
      conversation_id: s.conversationId,
      tenant_id: s.tenantId,
      channel_id: s.channelId,
      state: s.state,
      turns: s.turns,
      answered: 0,
      handoff_reason: s.reason,
      first_envelope: JSON.stringify(s.firstEnvelope),
      previous_assignee_id: s.previousAssigneeId,
      ended_at: s.state === 'active' ? null : sql<Date>`now()`,
    }));
    await trx
      .insertInto('bot_sessions')
      .values(values)
      .onConflict((oc) =>
        oc.column('conversation_id').doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          turns: eb.ref('excluded.turns'),
          answered: 0,
          handoff_reason: eb.ref('excluded.handoff_reason'),
          first_envelope: eb.ref('excluded.first_envelope'),
          previous_assignee_id: eb.ref('excluded.previous_assignee_id'),
          last_customer_at: sql`now()`,
          started_at: sql`now()`,
          ended_at: eb.ref('excluded.ended_at'),
        })),
      )
      .execute();
  }
  const known = sessions.filter((s) => !s.fresh);
  if (known.length > 0) {
    await sql`
      update bot_sessions s
      set state = v.state, turns = v.turns, handoff_reason = v.reason, last_customer_at = now(),
          ended_at = case when v.state = 'active' then null else now() end
      from unnest(${known.map((s) => s.conversationId)}::uuid[], ${known.map((s) => s.state)}::text[], ${known.map((s) => s.turns)}::int[],
                  ${known.map((s) => s.reason)}::text[]) as v(conversation_id, state, turns, reason)
      where s.conversation_id = v.conversation_id and s.tenant_id = any(${unique(known.map((s) => s.tenantId))}::uuid[])`.execute(batch.trx);
  }
}

/** The batch's turns in one insert: pending while their session goes on, skipped when it ended in this batch. */
async function writeTurns(batch: InboundBatch, turns: NewTurn[]): Promise<{ id: string; tenant_id: string; conversation_id: string }[]> {
  if (turns.length === 0) return [];
  const rows = await botTrx(batch.trx)
    .insertInto('bot_turns')
    .values(
      turns.map((t) => ({
        tenant_id: t.session.tenantId,
        conversation_id: t.session.conversationId,
        message_id: t.messageId,
        question: t.question.slice(0, 4000),
        state: t.session.state === 'active' ? ('pending' as const) : ('skipped' as const),
      })),
    )
    .onConflict((oc) => oc.column('message_id').doNothing())
    .returning(['id', 'tenant_id', 'conversation_id', 'state'])
    .execute();
  return rows.filter((r) => r.state === 'pending');
}

/** The bot's summary as an internal note in each conversation it handed over. */
async function writeNotes(batch: InboundBatch, sessions: Session[]): Promise<void> {
  if (sessions.length === 0) return;
  const rows = await botTrx(batch.trx)
    .selectFrom('bot_turns')
    .select(['conversation_id', 'question', 'articles'])
    .where('tenant_id', 'in', unique(sessions.map((s) => s.tenantId)))
    .where(
      'conversation_id',
      'in',
      sessions.map((s) => s.conversationId),
    )
    .orderBy('created_at')
    .execute();
  for (const session of sessions) {
    const mine = rows.filter((r) => r.conversation_id === session.conversationId) as { question: string; articles: Citation[] }[];
    await writeHandoverNote(batch.trx as unknown as Db, session.tenantId, session.conversationId, handoverSummary(session.reason!, mine));
  }
}

/** An internal note of the bot's, for agents only. */
export async function writeHandoverNote(db: Db, tenantId: string, conversationId: string, text: string): Promise<void> {
  await queueReply(db, { tenantId, conversationId, sender: { type: 'bot', id: null }, parts: [{ type: 'text', text }], private: true });
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** Conversation statuses the bot may still speak in: held back from routing, nobody on it. */
export const heldByBot = (conversation: Pick<Conversation, 'status'>): boolean => conversation.status === 'open';

export const answerBotInbound: InboundFeature = {
  name: 'answer-bot',
  steps: [{ step: answerBotStep, place: { before: 'route' } }],
};
