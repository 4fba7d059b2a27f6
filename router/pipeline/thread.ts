import { sql, type Transaction } from 'kysely';
import type { Conversation, Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';

export type Threaded =
  | { conversation: Conversation; outcome: 'existing' | 'created' }
  | { conversation: Conversation; outcome: 'reopened'; previousAssigneeId: string | null };

/**
 * The conversation a message belongs to, locked for this transaction: the contact's open one on
 * this channel and thread, else the last resolved one if it was resolved within the reopen
 * window, else a new one.
 */
export async function threadMessage(
  trx: Transaction<Database>,
  envelope: InboundEnvelope,
  contactId: string,
  reopenWindowSeconds: number,
): Promise<Threaded> {
  const { tenantId, channelId } = envelope;
  const threadKey = envelope.message.threadKey ?? '';
  const findOpen = () =>
    trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('channel_id', '=', channelId)
      .where('contact_id', '=', contactId)
      .where('thread_key', '=', threadKey)
      .where('status', '<>', 'resolved')
      .forUpdate()
      .executeTakeFirst();
  const open = await findOpen();
  if (open) return { conversation: open, outcome: 'existing' };

  if (reopenWindowSeconds > 0) {
    const resolved = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('channel_id', '=', channelId)
      .where('contact_id', '=', contactId)
      .where('thread_key', '=', threadKey)
      .where('status', '=', 'resolved')
      .where('resolved_at', '>', sql<Date>`now() - make_interval(secs => ${reopenWindowSeconds})`)
      .orderBy('resolved_at', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (resolved) {
      const reopened = await trx
        .updateTable('conversations')
        .set({ status: 'open', resolved_at: null, assignee_id: null, queued_at: null, updated_at: sql`now()` })
        .where('id', '=', resolved.id)
        .where('status', '=', 'resolved')
        .returningAll()
        .executeTakeFirstOrThrow();
      return { conversation: reopened, outcome: 'reopened', previousAssigneeId: resolved.assignee_id };
    }
  }

  const created = await trx
    .insertInto('conversations')
    .values({
      tenant_id: tenantId,
      channel_id: channelId,
      contact_id: contactId,
      kind: envelope.message.kind ?? 'chat',
      thread_key: threadKey,
      status: 'open',
      group_id: null,
      assignee_id: null,
      subject: envelope.message.subject ?? null,
    })
    .onConflict((oc) => oc.columns(['channel_id', 'contact_id', 'thread_key']).where('status', '<>', 'resolved').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (created) return { conversation: created, outcome: 'created' };
  return { conversation: (await findOpen())!, outcome: 'existing' };
}

/**
 * New conversations for contacts made in this transaction (nothing of theirs can exist yet), for
 * a whole batch in one statement; `envelopes` holds the first message of each thread.
 */
export async function createConversations(
  trx: Transaction<Database>,
  threads: readonly { envelope: InboundEnvelope; contactId: string }[],
): Promise<Conversation[]> {
  if (threads.length === 0) return [];
  return trx
    .insertInto('conversations')
    .values(
      threads.map(({ envelope, contactId }) => ({
        tenant_id: envelope.tenantId,
        channel_id: envelope.channelId,
        contact_id: contactId,
        kind: envelope.message.kind ?? 'chat',
        thread_key: envelope.message.threadKey ?? '',
        status: 'open' as const,
        group_id: null,
        assignee_id: null,
        subject: envelope.message.subject ?? null,
      })),
    )
    .returningAll()
    .execute();
}
