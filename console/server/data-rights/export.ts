import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Readable } from 'node:stream';
import { zipStream } from '../../../core/archive/zip.js';
import type { Db } from '../../../core/db/database.js';
import { cleanFileName } from '../../../core/attachments/store.js';
import { findHoldings, type Holdings } from './holdings.js';
import { ticketRecordsOfContacts } from '../../../tickets/part.js';

/** The kinds of record an archive holds, one JSON file each (`<kind>.json`). */
export const ARCHIVE_KINDS = [
  'contact',
  'identities',
  'handles',
  'custom_fields',
  'notes',
  'conversations',
  'messages',
  'files',
  'tickets',
  'ticket_comments',
  'ticket_history',
  'calls',
  'call_events',
  'ratings',
  'callback_plans',
  'business_records',
  'call_list_entries',
  'merges',
] as const;
export type ArchiveKind = (typeof ARCHIVE_KINDS)[number];

/** Every record held about a contact (and the contacts merged into it), by kind, as stored. */
export async function collectRecords(db: Db, tenantId: string, holdings: Holdings): Promise<Record<ArchiveKind, unknown[]>> {
  const { contactIds: ids, conversationIds: convs, callIds: calls } = holdings;
  const t = tenantId;
  const none = Promise.resolve([] as unknown[]);
  const [
    ticketRecords,
    contact,
    identities,
    handles,
    notes,
    conversations,
    messages,
    customFields,
    callRows,
    callEvents,
    ratings,
    plans,
    records,
    listEntries,
    merges,
  ] = await Promise.all([
    ticketRecordsOfContacts(db, t, ids),
    db.selectFrom('contacts').selectAll().where('tenant_id', '=', t).where('id', 'in', ids).execute(),
    db.selectFrom('contact_identities').selectAll().where('tenant_id', '=', t).where('contact_id', 'in', ids).execute(),
    db.selectFrom('contact_handles').selectAll().where('tenant_id', '=', t).where('contact_id', 'in', ids).execute(),
    db.selectFrom('contact_notes').selectAll().where('tenant_id', '=', t).where('contact_id', 'in', ids).orderBy('created_at').execute(),
    convs.length ? db.selectFrom('conversations').selectAll().where('tenant_id', '=', t).where('id', 'in', convs).orderBy('created_at').execute() : none,
    convs.length
      ? db
          .selectFrom('messages')
          .select([
            'id',
            'conversation_id',
            'channel_id',
            'direction',
            'sender_type',
            'sender_id',
            'external_id',
            'private',
            'content',
            'status',
            'error',
            'sent_at',
            'created_at',
          ])
          .where('tenant_id', '=', t)
          .where('conversation_id', 'in', convs)
          .orderBy('id')
          .execute()
      : none,
    db.selectFrom('custom_fields').select(['key', 'label', 'type']).where('tenant_id', '=', t).execute(),
    calls.length ? db.selectFrom('calls').selectAll().where('tenant_id', '=', t).where('id', 'in', calls).execute() : none,
    calls.length ? db.selectFrom('call_events').selectAll().where('tenant_id', '=', t).where('call_id', 'in', calls).orderBy('id').execute() : none,
    convs.length
      ? sql<Record<string, unknown>>`SELECT * FROM csat_responses WHERE tenant_id = ${t} AND conversation_id = ANY(${convs}::uuid[])`
          .execute(db)
          .then((r) => r.rows)
      : none,
    db.selectFrom('callback_plans').selectAll().where('tenant_id', '=', t).where('contact_id', 'in', ids).execute(),
    db.selectFrom('business_records').selectAll().where('tenant_id', '=', t).where('contact_id', 'in', ids).execute(),
    db.selectFrom('call_task_targets').selectAll().where('tenant_id', '=', t).where('contact_id', 'in', ids).execute(),
    db
      .selectFrom('contact_merges')
      .selectAll()
      .where('tenant_id', '=', t)
      .where((eb) => eb.or([eb('target_id', 'in', ids), eb('source_id', 'in', ids)]))
      .execute(),
  ]);
  // The company's custom fields that this customer has a value for, with their labels.
  const values = Object.assign({}, ...contact.map((c) => c.attributes)) as Record<string, unknown>;
  const fields = (customFields as { key: string; label: string; type: string }[])
    .filter((f) => Object.hasOwn(values, f.key))
    .map((f) => ({ ...f, value: values[f.key] }));
  return {
    contact,
    identities,
    handles,
    custom_fields: fields,
    notes,
    conversations,
    messages,
    files: holdings.attachments.map((a) => ({ id: a.id, name: a.name, path: archivePath(a) })),
    tickets: ticketRecords.tickets,
    ticket_comments: ticketRecords.comments,
    ticket_history: ticketRecords.history,
    // A recording stays with the telephony provider; the archive names it (recording_ref).
    calls: callRows,
    call_events: callEvents,
    ratings,
    callback_plans: plans,
    business_records: records,
    call_list_entries: listEntries,
    merges,
  };
}

const archivePath = (a: { id: string; name: string }) => `files/${a.id}-${cleanFileName(a.name)}`;

/**
 * The archive of everything held about one contact: `manifest.json` (who, when, counts per kind),
 * one `<kind>.json` per kind of record, and the stored files under `files/`.
 */
export async function contactArchive(db: Db, dataDir: string, tenantId: string, contactId: string, requestedBy: string | null): Promise<Readable> {
  const holdings = await findHoldings(db, tenantId, contactId);
  const records = await collectRecords(db, tenantId, holdings);
  return zipStream(async (zip) => {
    const counts = Object.fromEntries(ARCHIVE_KINDS.map((k) => [k, records[k].length]));
    await zip.text('manifest.json', json({ contactId, generatedAt: new Date().toISOString(), requestedBy, counts }));
    for (const kind of ARCHIVE_KINDS) await zip.text(`${kind}.json`, json(records[kind]));
    for (const a of holdings.attachments) {
      const path = join(dataDir, a.storage_path);
      // A file already gone from the store (removed by retention) is listed, not carried.
      if (
        await access(path).then(
          () => true,
          () => false,
        )
      )
        await zip.file(archivePath(a), path);
    }
  });
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
