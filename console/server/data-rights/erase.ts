import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../../core/db/schema.js';
import { ConflictError, NotFoundError } from '../../../core/errors.js';
import { findHoldings } from './holdings.js';
import { countTicketsOfContacts } from '../../../tickets/part.js';

export interface ErasureReport {
  contacts: number;
  conversations: number;
  messages: number;
  files: number;
  tickets: number;
  calls: number;
}

/**
 * Erases a customer: the contact and every contact merged into it, their identities, handles,
 * notes, conversations with their messages, ratings and business records, their tickets with
 * comments and history, callback plans and call-list entries, the files they sent or received,
 * the events about them still waiting in the outbox, and merges naming them. Calls stay for the
 * call statistics, with the customer's number and the recording reference taken out and their
 * event trail removed. Audit entries about the contact keep what happened and who did it, not
 * what was written. Runs in the caller's transaction; the files are unlinked by `removeFiles`
 * once it commits.
 */
export async function eraseContact(trx: Transaction<Database>, tenantId: string, contactId: string): Promise<{ report: ErasureReport; files: string[] }> {
  const locked = await trx
    .selectFrom('contacts')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', contactId)
    .where('merged_into_id', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!locked) throw new NotFoundError('contact');
  const held = await findHoldings(trx, tenantId, contactId);
  const { contactIds: ids, conversationIds: convs, callIds: calls } = held;
  if (convs.length) {
    const open = await trx
      .selectFrom('conversations')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', convs)
      .where('status', '<>', 'resolved')
      .limit(1)
      .executeTakeFirst();
    // An open conversation is held by an agent or a queue: it is resolved first, where its holder sees it go.
    if (open) throw new ConflictError('resolve the customer’s open conversations before erasing the customer', 'open_conversations');
  }
  const messages = convs.length
    ? Number(
        (
          await trx
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('tenant_id', '=', tenantId)
            .where('conversation_id', 'in', convs)
            .executeTakeFirstOrThrow()
        ).n,
      )
    : 0;
  const ticketCount = await countTicketsOfContacts(trx, tenantId, ids);

  if (calls.length) {
    await trx.deleteFrom('call_events').where('tenant_id', '=', tenantId).where('call_id', 'in', calls).execute();
    await trx
      .updateTable('calls')
      .set({
        from_number: sql`CASE WHEN direction = 'in' THEN '' ELSE from_number END`,
        to_number: sql`CASE WHEN direction = 'out' THEN '' ELSE to_number END`,
        recording_ref: null,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', calls)
      .execute();
  }
  if (held.attachments.length)
    await trx
      .deleteFrom('attachments')
      .where('tenant_id', '=', tenantId)
      .where(
        'id',
        'in',
        held.attachments.map((a) => a.id),
      )
      .execute();
  for (const i of held.identities) {
    await trx
      .deleteFrom('widget_visitors')
      .where('tenant_id', '=', tenantId)
      .where('channel_id', '=', i.channel_id)
      .where('external_id', '=', i.external_id)
      .execute();
    await trx
      .deleteFrom('wechat_reply_windows')
      .where('tenant_id', '=', tenantId)
      .where('channel_id', '=', i.channel_id)
      .where('open_id', '=', i.external_id)
      .execute();
  }
  // Rows that name the contact without a foreign key to it.
  await trx.deleteFrom('call_task_targets').where('tenant_id', '=', tenantId).where('contact_id', 'in', ids).execute();
  await trx.deleteFrom('business_records').where('tenant_id', '=', tenantId).where('contact_id', 'in', ids).execute();
  await trx
    .deleteFrom('contact_merges')
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('target_id', 'in', ids), eb('source_id', 'in', ids)]))
    .execute();
  const mentionsAny = (column: string, named: readonly string[]) =>
    sql<boolean>`EXISTS (SELECT 1 FROM unnest(${[...named]}::text[]) AS n(id) WHERE strpos(${sql.ref(column)}::text, n.id) > 0)`;
  // Events not yet pruned and timers about the customer or their conversations (both tables stay small).
  await trx
    .deleteFrom('outbox')
    .where('tenant_id', '=', tenantId)
    .where(mentionsAny('payload', [...ids, ...convs]))
    .execute();
  await trx
    .deleteFrom('jobs')
    .where('tenant_id', '=', tenantId)
    .where(mentionsAny('payload', [...ids, ...convs]))
    .execute();
  // What the company webhooks sent or still owe about them: the bodies carry their messages and details.
  await trx
    .deleteFrom('company_webhook_deliveries')
    .where('tenant_id', '=', tenantId)
    .where(mentionsAny('body', [...ids, ...convs]))
    .execute();
  // The audit log keeps what was done, by whom and when — not the values written.
  await trx
    .updateTable('audit_log')
    .set({ details: JSON.stringify({ erased: true }) })
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb.and([eb('target_type', '=', 'contact'), eb('target_id', 'in', ids)]), mentionsAny('details', ids)]))
    .execute();
  // Conversations (messages, ratings, mentions, report log), identities, handles, notes, plans and tickets go with the contact.
  await trx.deleteFrom('contacts').where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  return {
    report: { contacts: ids.length, conversations: convs.length, messages, files: held.attachments.length, tickets: ticketCount, calls: calls.length },
    files: held.attachments.map((a) => a.storage_path),
  };
}

/** Unlinks stored files (paths relative to DATA_DIR); one already gone is no error. */
export async function removeFiles(dataDir: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) await unlink(join(dataDir, path)).catch(() => {});
}
