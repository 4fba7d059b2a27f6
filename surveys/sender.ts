import type { Consumer } from '../core/bus/bus.js';
import type { Context } from '../core/context.js';
import type { Db } from '../core/db/database.js';
import { queueReply } from '../core/conversations/reply.js';
import type { ConversationSnapshot } from '../core/domain/events.js';
import { surveyClientId } from '../core/domain/views.js';
import type { ContentPart } from '../core/domain/messages.js';
import { surveyAnsweredByReply, surveyReplyText } from '../core/domain/survey-reply.js';
import type { EventEnvelope } from '../core/outbox/outbox.js';
import { sql } from 'kysely';
import { surveyDb } from './schema.js';
import { companyLinkAddress } from '../core/tenancy/address.js';
import { surveyToken } from './token.js';

export const SURVEYS_QUEUE = 'reports.surveys';

/** Channels that carry no text back to the customer get no survey message (the phone asks by keypad where it can). */
/** Phone channels carry calls, not written replies: their survey is the keypad prompt, where the platform has one. */
const NO_TEXT = new Set(['voice-asterisk', 'voice-twilio', 'voice-cti']);

/** Whether a written survey (a link, or the web chat's card) can go out on this type of channel. */
export function takesWrittenSurvey(channelType: string): boolean {
  return !NO_TEXT.has(channelType);
}

export function surveyUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/survey/${token}`;
}

/**
 * The survey message, in the channel's own way: the web chat shows a rating card (the `csat.survey`
 * event part; the text is its fallback), e-mail a line with the survey link, the other text
 * channels ask for a reply from 1 to 5 (the router takes it as the rating) with the link beside.
 */
export function surveyParts(channelType: string, url: string): ContentPart[] {
  if (surveyAnsweredByReply(channelType)) return [{ type: 'text', text: surveyReplyText(url) }];
  const text = `How did we do? Please rate this conversation: ${url}\n请为本次服务评分:${url}`;
  if (channelType === 'web')
    return [
      { type: 'text', text },
      { type: 'event', name: 'csat.survey', data: { url } },
    ];
  return [{ type: 'text', text }];
}

/**
 * Sends the satisfaction survey once a conversation an agent (or the answer bot) handled is resolved: at most once
 * per conversation (csat_invitations), never after it was answered, and in the same transaction
 * as the message, so a repeated event sends nothing twice.
 */
export class SurveySender {
  private consumer: Consumer | undefined;

  constructor(private readonly ctx: Pick<Context, 'database' | 'bus' | 'config' | 'logger' | 'relay'>) {}

  async start(): Promise<void> {
    await this.ctx.bus.declareQueue({
      name: SURVEYS_QUEUE,
      bindings: [{ exchange: 'events', pattern: '*.conversation.resolved' }],
      retry: { attempts: 5, baseDelayMs: 1000 },
    });
    this.consumer = await this.ctx.bus.consume(
      SURVEYS_QUEUE,
      async (delivery) => {
        const envelope = delivery.json<EventEnvelope>();
        if (envelope.tenantId && (await this.send(envelope.tenantId, envelope.payload.conversation as ConversationSnapshot))) this.ctx.relay.poke();
      },
      { prefetch: 50 },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
  }

  /** Sends the survey of one resolved conversation; answers whether it sent one. */
  async send(tenantId: string, conversation: ConversationSnapshot): Promise<boolean> {
    if (!conversation?.id) return false;
    const db = surveyDb(this.ctx.database.db);
    if (!conversation.assigneeId && !(await answeredByBot(this.ctx.database.db, tenantId, conversation.id))) return false;
    if (!(await surveysEnabled(db, tenantId))) return false;
    const channel = await db
      .selectFrom('channels')
      .select('type')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', conversation.channelId)
      .executeTakeFirst();
    if (!channel || !takesWrittenSurvey(channel.type)) return false;
    const url = surveyUrl(
      await companyLinkAddress(this.ctx.database.db, this.ctx.config, tenantId),
      await surveyToken(this.ctx.config.secretKey, tenantId, conversation.id),
    );
    return db.transaction().execute(async (trx) => {
      const answered = await trx.selectFrom('csat_responses').select('id').where('conversation_id', '=', conversation.id).executeTakeFirst();
      if (answered) return false;
      const invited = await trx
        .insertInto('csat_invitations')
        .values({ tenant_id: tenantId, conversation_id: conversation.id })
        .onConflict((oc) => oc.column('conversation_id').doNothing())
        .returning('conversation_id')
        .executeTakeFirst();
      if (!invited) return false;
      await queueReply(trx as unknown as Db, {
        tenantId,
        conversationId: conversation.id,
        sender: { type: 'system', id: null },
        parts: surveyParts(channel.type, url),
        clientId: surveyClientId(conversation.id),
      });
      return true;
    });
  }
}

/**
 * Whether the company sends surveys: the switch sits with the report settings (report_settings,
 * set through PUT /api/reports/settings; on when never set). Read here by SQL rather than through
 * reports/part.ts, as the phone channel's keypad survey reads it, so surveys need nothing of the
 * reports, which read the answers through surveys/part.ts.
 */
async function surveysEnabled(db: Db, tenantId: string): Promise<boolean> {
  const { rows } = await sql<{ surveys_enabled: boolean }>`SELECT surveys_enabled FROM report_settings WHERE tenant_id = ${tenantId}`.execute(db);
  return rows[0]?.surveys_enabled ?? true;
}

/** Whether the answer bot answered the customer in the conversation (its rating is the bot's). */
async function answeredByBot(db: Db, tenantId: string, conversationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversationId)
    .where('sender_type', '=', 'bot')
    .where('private', '=', false)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
