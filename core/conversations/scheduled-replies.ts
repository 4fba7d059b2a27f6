import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { JobHandler } from '../jobs/runner.js';
import { queueReply } from './reply.js';

/**
 * Messages an agent writes now and sends later: each is a job of the one job runner, sent at its
 * time through queueReply as the agent who wrote it. One the customer answered first (a message
 * from them after it was scheduled) is not sent: a note in the conversation says so.
 */
export const SCHEDULED_REPLY = 'conversation.scheduled_reply';
const keyPrefix = (conversationId: string) => `${SCHEDULED_REPLY}:${conversationId}:`;

export interface ScheduledReplyPayload {
  conversationId: string;
  agentId: string;
  text: string;
  scheduledAt: string;
}

export interface ScheduledReplyView {
  id: string;
  text: string;
  sendAt: string;
  agentId: string;
  scheduledAt: string;
}

const view = (row: { key: string | null; run_at: Date | string; payload: unknown }): ScheduledReplyView => {
  const p = row.payload as ScheduledReplyPayload;
  return { id: row.key!.split(':').pop()!, text: p.text, sendAt: new Date(row.run_at).toISOString(), agentId: p.agentId, scheduledAt: p.scheduledAt };
};

export async function scheduleReply(
  db: Db,
  input: { tenantId: string; conversationId: string; agentId: string; text: string; sendAt: Date },
): Promise<ScheduledReplyView> {
  const id = randomUUID();
  const payload: ScheduledReplyPayload = {
    conversationId: input.conversationId,
    agentId: input.agentId,
    text: input.text,
    scheduledAt: new Date().toISOString(),
  };
  const row = await db
    .insertInto('jobs')
    .values({
      tenant_id: input.tenantId,
      kind: SCHEDULED_REPLY,
      key: keyPrefix(input.conversationId) + id,
      run_at: input.sendAt,
      payload: JSON.stringify(payload),
    })
    .returning(['key', 'run_at', 'payload'])
    .executeTakeFirstOrThrow();
  return view(row);
}

/** The conversation's messages waiting to be sent, soonest first. */
export async function scheduledReplies(db: Db, tenantId: string, conversationId: string): Promise<ScheduledReplyView[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(['key', 'run_at', 'payload'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', SCHEDULED_REPLY)
    .where('key', 'like', `${keyPrefix(conversationId)}%`)
    .orderBy('run_at')
    .execute();
  return rows.map(view);
}

/** Removes one; false when it is gone already (sent, or cancelled by someone else). */
export async function cancelScheduledReply(db: Db, tenantId: string, conversationId: string, id: string): Promise<boolean> {
  const removed = await db
    .deleteFrom('jobs')
    .where('tenant_id', '=', tenantId)
    .where('key', '=', keyPrefix(conversationId) + id)
    .executeTakeFirst();
  return Number(removed.numDeletedRows) > 0;
}

/** Sends a due scheduled message, or notes that the customer wrote first; registered on the console role's runner. */
export const scheduledReplySender: JobHandler = {
  kind: SCHEDULED_REPLY,
  async run(trx: Transaction<Database>, job) {
    const p = job.payload as ScheduledReplyPayload;
    const tenantId = job.tenantId!;
    const conversation = await trx
      .selectFrom('conversations')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', p.conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!conversation) return 'done';
    const answered = await trx
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', p.conversationId)
      .where('direction', '=', 'in')
      .where('created_at', '>', sql<Date>`${p.scheduledAt}::timestamptz`)
      .limit(1)
      .executeTakeFirst();
    if (answered) {
      await queueReply(trx, {
        tenantId,
        conversationId: p.conversationId,
        sender: { type: 'system', id: null },
        // Shown in the agent's language ("Scheduled message not sent: the customer wrote first"), then the text.
        parts: [
          { type: 'event', name: 'scheduled.not_sent' },
          { type: 'text', text: p.text },
        ],
        clientId: `scheduled-cancelled:${job.id}`,
        private: true,
      });
      return 'done';
    }
    await queueReply(trx, {
      tenantId,
      conversationId: p.conversationId,
      sender: { type: 'agent', id: p.agentId },
      parts: [{ type: 'text', text: p.text }],
      clientId: `scheduled:${job.id}`,
    });
    return 'done';
  },
};
