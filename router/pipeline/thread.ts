import { sql, type Transaction } from 'kysely';
import type { Conversation, Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { threadKeyOf } from './preload.js';

export type Threaded =
  | { conversation: Conversation; outcome: 'existing' | 'created' }
  | { conversation: Conversation; outcome: 'reopened'; previousAssigneeId: string | null };

/**
 * The conversation a message belongs to, locked for this transaction: the contact's open one on
 * this channel and thread, else the last resolved one if it was resolved within the reopen
 * window, else a new one.
 */
export async function threadMessage(trx: Transaction<Database>, envelope: InboundEnvelope, contactId: string, reopenWindowSeconds: number): Promise<Threaded> {
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
 * New conversations for a whole batch in one statement; `threads` holds the first message of each
 * thread. For contacts made in this transaction nothing of theirs can exist yet; with `skipOpen`
 * a thread that has an open conversation already (another worker's, a moment ago) is left out of
 * the result, for the caller to thread one by one.
 */
export async function createConversations(
  trx: Transaction<Database>,
  threads: readonly { envelope: InboundEnvelope; contactId: string }[],
  options: { skipOpen?: boolean } = {},
): Promise<Conversation[]> {
  if (threads.length === 0) return [];
  const insert = trx.insertInto('conversations').values(
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
      // Made for this message: no later update of the row is needed for it.
      last_message_at: sql<Date>`now()`,
    })),
  );
  if (!options.skipOpen) return insert.returningAll().execute();
  return insert
    .onConflict((oc) => oc.columns(['channel_id', 'contact_id', 'thread_key']).where('status', '<>', 'resolved').doNothing())
    .returningAll()
    .execute();
}

/**
 * Of a batch's threads, those with a conversation resolved within the reopen window (which the
 * next message reopens instead of starting a new one): one query, keyed by `threadKeyOf`.
 */
export async function recentlyResolved(
  trx: Transaction<Database>,
  threads: readonly { channelId: string; contactId: string; threadKey: string; windowSeconds: number }[],
): Promise<Set<string>> {
  const wanted = threads.filter((t) => t.windowSeconds > 0);
  if (wanted.length === 0) return new Set();
  const { rows } = await sql<{ channel_id: string; contact_id: string; thread_key: string }>`
    select k.channel_id, k.contact_id, k.thread_key
    from unnest(${wanted.map((t) => t.channelId)}::uuid[], ${wanted.map((t) => t.contactId)}::uuid[], ${wanted.map((t) => t.threadKey)}::text[], ${wanted.map((t) => t.windowSeconds)}::int[])
      as k(channel_id, contact_id, thread_key, window_seconds)
    where exists (
      select 1 from conversations x
      where x.contact_id = k.contact_id and x.channel_id = k.channel_id and x.thread_key = k.thread_key
        and x.status = 'resolved' and x.resolved_at > now() - make_interval(secs => k.window_seconds)
    )`.execute(trx);
  return new Set(rows.map((r) => threadKeyOf(r.channel_id, r.contact_id, r.thread_key)));
}
