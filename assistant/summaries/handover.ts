import type { Consumer } from '../../core/bus/bus.js';
import type { Context } from '../../core/context.js';
import { queueReply } from '../../core/conversations/reply.js';
import { withTransaction } from '../../core/db/database.js';
import type { EventEnvelope } from '../../core/outbox/outbox.js';
import { addSystemNote, ticketConversation } from '../../tickets/part.js';
import { summarizeConversation } from '../copilot/copilot.js';
import { modelGateway, ModelUnavailableError } from '../model/gateway.js';

export const SUMMARIES_QUEUE = 'assistant.summaries';

/** The first line of every summary note, in both languages: the console shows it to agents of either. */
export const SUMMARY_HEADING = 'AI summary · AI 摘要';

/** Fewer messages than this (notes aside) leave nothing a colleague could not read at a glance. */
const MIN_MESSAGES = 2;

/**
 * Writes the model's summary of a conversation for whoever takes it over: as an internal note when
 * it is transferred, and also as an internal comment on the ticket made from it (escalated). A
 * listener on the events, never a step in the transfer or the ticket's transaction: the model is
 * slow and may fail, the handover must not wait for it. Once per event: a redelivered event finds
 * its note and writes nothing.
 */
export class HandoverSummaries {
  private consumer: Consumer | undefined;

  constructor(private readonly ctx: Pick<Context, 'database' | 'bus' | 'config' | 'logger' | 'relay' | 'outbound'>) {}

  async start(): Promise<void> {
    await this.ctx.bus.declareQueue({
      name: SUMMARIES_QUEUE,
      bindings: [
        { exchange: 'events', pattern: '*.conversation.transferred' },
        { exchange: 'events', pattern: '*.ticket.created' },
      ],
      retry: { attempts: 5, baseDelayMs: 1000 },
    });
    this.consumer = await this.ctx.bus.consume(
      SUMMARIES_QUEUE,
      async (delivery) => {
        await this.handle(delivery.json<EventEnvelope>());
      },
      { prefetch: 10 },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
  }

  /** Summarizes for one event; answers whether a note was written. */
  async handle(envelope: EventEnvelope): Promise<boolean> {
    const tenantId = envelope.tenantId;
    if (!tenantId) return false;
    let conversationId: string | null | undefined;
    let ticketId: string | undefined;
    if (envelope.kind === 'conversation.transferred') {
      conversationId = (envelope.payload.conversation as { id?: string } | undefined)?.id;
    } else if (envelope.kind === 'ticket.created') {
      ticketId = (envelope.payload.ticket as { id?: string } | undefined)?.id;
      conversationId = ticketId ? await ticketConversation(this.ctx.database.db, tenantId, ticketId) : undefined;
    }
    if (!conversationId || !(await modelGateway(this.ctx).configured(tenantId))) return false;
    const clientId = `ai-summary:${envelope.id}`;
    if (!(await this.worthSummarizing(tenantId, conversationId, clientId))) return false;

    let summary: string | undefined;
    try {
      summary = await summarizeConversation(this.ctx, tenantId, conversationId, 'summary');
    } catch (error) {
      // The gateway has retried already; the colleague goes without a summary rather than wait.
      if (error instanceof ModelUnavailableError) return false;
      throw error;
    }
    if (!summary) return false;
    const text = `${SUMMARY_HEADING}\n${summary}`;
    const written = await withTransaction(this.ctx.database.db, async (trx) => {
      const { duplicate } = await queueReply(trx, {
        tenantId,
        conversationId,
        sender: { type: 'system', id: null },
        parts: [{ type: 'text', text }],
        private: true,
        clientId,
      });
      if (duplicate) return false;
      if (ticketId) await addSystemNote(trx, tenantId, ticketId, text);
      return true;
    });
    if (written) this.ctx.relay.poke();
    return written;
  }

  /**
   * Whether there is something to sum up: enough messages, no summary for this event yet, and not
   * one the answer bot has just written as it handed over.
   */
  private async worthSummarizing(tenantId: string, conversationId: string, clientId: string): Promise<boolean> {
    const db = this.ctx.database.db;
    const [counted, latest, done] = await Promise.all([
      db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('conversation_id', '=', conversationId)
        .where('private', '=', false)
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('messages')
        .select(['private', 'sender_type'])
        .where('tenant_id', '=', tenantId)
        .where('conversation_id', '=', conversationId)
        .orderBy('id', 'desc')
        .executeTakeFirst(),
      db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('client_id', '=', clientId).executeTakeFirst(),
    ]);
    if (done) return false;
    if (latest?.private && latest.sender_type === 'bot') return false;
    return Number(counted.n) >= MIN_MESSAGES;
  }
}
