import type { Kysely } from 'kysely';
import type { Consumer } from '../../../core/bus/bus.js';
import type { Context } from '../../../core/context.js';
import type { ConversationSnapshot } from '../../../core/domain/events.js';
import type { Database } from '../../../core/db/schema.js';
import type { ContentPart } from '../../../core/domain/messages.js';
import type { EventEnvelope } from '../../../core/outbox/outbox.js';
import type { Mailer } from './mailer.js';

export const TRANSCRIPTS_QUEUE = 'console.transcripts';

/** One line per part a person can read: text as written, files and images by name. */
function partText(part: ContentPart): string | undefined {
  const p = part as { type: string; text?: string; name?: string; url?: string };
  if (p.type === 'text') return p.text;
  if (p.type === 'image' || p.type === 'file' || p.type === 'audio') return `[${p.name ?? p.type}]`;
  if (p.type === 'link') return p.url;
  return undefined;
}

/**
 * Mails the web chat's transcript to the customer when a conversation is resolved, where the
 * channel enables it (`sendTranscript`) and the customer gave an e-mail address (the pre-chat form,
 * leave-a-message, or the site's signed identity). Through the platform's mail (SMTP_URL, or
 * the mail folder without it). Internal notes are never part of it.
 */
export class TranscriptMailer {
  private consumer: Consumer | undefined;

  constructor(
    private readonly ctx: Pick<Context, 'database' | 'bus' | 'logger'>,
    private readonly mailer: Mailer,
  ) {}

  async start(): Promise<void> {
    await this.ctx.bus.declareQueue({
      name: TRANSCRIPTS_QUEUE,
      bindings: [{ exchange: 'events', pattern: '*.conversation.resolved' }],
      retry: { attempts: 5, baseDelayMs: 1000 },
    });
    this.consumer = await this.ctx.bus.consume(
      TRANSCRIPTS_QUEUE,
      async (delivery) => {
        const envelope = delivery.json<EventEnvelope>();
        if (envelope.tenantId) await this.send(envelope.tenantId, envelope.payload.conversation as ConversationSnapshot, envelope.id);
      },
      { prefetch: 20 },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
  }

  /**
   * Sends one resolved conversation's transcript; answers whether it sent one. With the
   * resolution's event id, exactly once per resolution: the row for the event is claimed in a
   * transaction held until the mail is handed over, so a redelivery (even a concurrent one) waits
   * for it and then finds it taken; a failed send releases the claim for the retry.
   */
  async send(tenantId: string, conversation: ConversationSnapshot | undefined, eventId?: string): Promise<boolean> {
    if (!conversation?.id) return false;
    if (eventId === undefined) return this.compose(this.ctx.database.db, tenantId, conversation);
    const conversationId = conversation.id;
    return this.ctx.database.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .insertInto('transcript_sends')
        .values({ tenant_id: tenantId, event_id: eventId, conversation_id: conversationId })
        .onConflict((oc) => oc.doNothing())
        .returning('event_id')
        .executeTakeFirst();
      return claimed ? this.compose(trx, tenantId, conversation) : false;
    });
  }

  private async compose(db: Kysely<Database>, tenantId: string, conversation: ConversationSnapshot): Promise<boolean> {
    const channel = await db
      .selectFrom('channels')
      .select(['type', 'config'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', conversation.channelId)
      .executeTakeFirst();
    if (channel?.type !== 'web' || (channel.config as { sendTranscript?: unknown }).sendTranscript !== true) return false;
    const contact = await db
      .selectFrom('contacts')
      .select(['name', 'email'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', conversation.contactId)
      .executeTakeFirst();
    if (!contact?.email) return false;
    const company = await db.selectFrom('tenants').select('name').where('id', '=', tenantId).executeTakeFirstOrThrow();
    const messages = await db
      .selectFrom('messages as m')
      .leftJoin('users as u', 'u.id', 'm.sender_id')
      .select(['m.direction', 'm.content', 'm.sender_type', 'm.created_at', 'u.name as agent'])
      .where('m.tenant_id', '=', tenantId)
      .where('m.conversation_id', '=', conversation.id)
      .where('m.private', '=', false)
      .orderBy('m.id')
      .limit(2000)
      .execute();
    const lines: string[] = [];
    for (const message of messages) {
      const text = (message.content as ContentPart[]).map(partText).filter(Boolean).join('\n');
      if (!text) continue;
      const who = message.direction === 'in' ? (contact.name ?? 'You · 您') : message.sender_type === 'agent' ? (message.agent ?? company.name) : company.name;
      const at = new Date(message.created_at).toISOString().slice(0, 16).replace('T', ' ');
      lines.push(`[${at} UTC] ${who}:\n${text}\n`);
    }
    if (lines.length === 0) return false;
    await this.mailer.send({
      to: contact.email,
      subject: `Your conversation with ${company.name} · 您与${company.name}的聊天记录`,
      text: `${lines.join('\n')}\n— ${company.name}\n`,
    });
    return true;
  }
}
