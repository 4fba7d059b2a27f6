import { sql, type Transaction } from 'kysely';
import type { Database } from '../core/db/schema.js';
import type { ContactFields, MergeMoved } from './schema.js';
import { isGeneratedName } from '../core/domain/contact-name.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { moveRequesterTickets } from '../tickets/part.js';

/**
 * The rows that point at a contact and move with it when two contacts become one. Each is
 * recorded by id in the merge, so undo moves back exactly those rows and nothing that arrived
 * later. A table added by another part of the product joins this list (or, a module's own,
 * movedByModules below).
 */
const MOVABLE = ['contact_identities', 'conversations', 'contact_handles', 'contact_notes', 'callback_plans', 'business_records', 'call_task_targets'] as const;
type MovableTable = (typeof MOVABLE)[number];

type MoveRows = (trx: Transaction<Database>, tenantId: string, from: string, to: string, only?: string[]) => Promise<string[]>;

/**
 * Rows of another module that move with a contact, moved by that module (through its part): the
 * name is their key in a merge's record of what moved, after the tables above. Read when a merge
 * runs, not when this file loads: the modules' parts import one another.
 */
const movedByModules = (): Record<string, MoveRows> => ({ tickets: moveRequesterTickets });

const fieldsOf = (c: {
  name: string | null;
  email: string | null;
  phone: string | null;
  company_id: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
}): ContactFields => ({
  name: c.name,
  email: c.email,
  phone: c.phone,
  company_id: c.company_id,
  tags: [...c.tags],
  attributes: { ...c.attributes },
});

async function lockPair(trx: Transaction<Database>, tenantId: string, ids: [string, string]) {
  const rows = await trx.selectFrom('contacts').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).orderBy('id').forUpdate().execute();
  return new Map(rows.map((r) => [r.id, r]));
}

async function move(trx: Transaction<Database>, table: MovableTable, tenantId: string, from: string, to: string, only?: string[]): Promise<string[]> {
  if (only && only.length === 0) return [];
  let q = trx
    .updateTable(table as 'conversations')
    .set({ contact_id: to })
    .where('tenant_id', '=', tenantId)
    .where('contact_id', '=', from);
  if (only) q = q.where('id', 'in', only);
  // A handle the target already has stays with the source (the pair must stay unique).
  if (table === 'contact_handles')
    q = q.where(
      sql<boolean>`not exists (select 1 from contact_handles t where t.contact_id = ${to} and t.kind = contact_handles.kind and t.value = contact_handles.value)`,
    );
  const rows = await q.returning('id').execute();
  return rows.map((r) => String(r.id));
}

/** The customer's own messages carry the contact as sender; they follow their conversations. */
async function moveMessages(
  trx: Transaction<Database>,
  tenantId: string,
  from: string,
  to: string,
  conversationIds: string[],
  only?: string[],
): Promise<string[]> {
  if (conversationIds.length === 0 || (only && only.length === 0)) return [];
  let q = trx
    .updateTable('messages')
    .set({ sender_id: to })
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', 'in', conversationIds)
    .where('sender_type', '=', 'contact')
    .where('sender_id', '=', from);
  if (only) q = q.where('id', 'in', only);
  return (await q.returning('id').execute()).map((r) => String(r.id));
}

/**
 * Merges `sourceId` into `targetId`: identities, conversations, tickets, handles, notes, callback
 * plans, business records and call-list entries move; the target keeps its own values and takes the
 * source's where it has none; tags and custom fields are united. The source stays, hidden, so
 * the merge can be undone. Returns the merge's id.
 */
export async function mergeContacts(trx: Transaction<Database>, tenantId: string, targetId: string, sourceId: string, actorId: string | null): Promise<string> {
  const locked = await lockPair(trx, tenantId, [targetId, sourceId]);
  const target = locked.get(targetId);
  const source = locked.get(sourceId);
  if (!target || !source || target.merged_into_id || source.merged_into_id) throw new NotFoundError('contact');
  const clash = await trx
    .selectFrom('conversations as a')
    .innerJoin('conversations as b', (j) => j.onRef('a.channel_id', '=', 'b.channel_id').onRef('a.thread_key', '=', 'b.thread_key'))
    .select('a.id')
    .where('a.tenant_id', '=', tenantId)
    .where('a.contact_id', '=', source.id)
    .where('b.contact_id', '=', target.id)
    .where('a.status', '<>', 'resolved')
    .where('b.status', '<>', 'resolved')
    .executeTakeFirst();
  if (clash) throw new ConflictError('both contacts have an open conversation on the same channel; resolve one first');

  const moved: MergeMoved = {};
  for (const table of MOVABLE) moved[table] = await move(trx, table, tenantId, source.id, target.id);
  for (const [name, moveRows] of Object.entries(movedByModules())) moved[name] = await moveRows(trx, tenantId, source.id, target.id);
  moved.messages = await moveMessages(trx, tenantId, source.id, target.id, moved.conversations ?? []);

  const before = fieldsOf(target);
  const after: ContactFields = {
    // A made-up visitor name is no name: the source's real one wins over it.
    name: isGeneratedName(target.name) && !isGeneratedName(source.name) ? source.name : (target.name ?? source.name),
    email: target.email ?? source.email,
    phone: target.phone ?? source.phone,
    company_id: target.company_id ?? source.company_id,
    tags: [...new Set([...target.tags, ...source.tags])],
    attributes: { ...source.attributes, ...target.attributes },
  };
  await trx
    .updateTable('contacts')
    .set({
      ...after,
      attributes: JSON.stringify(after.attributes),
      // A value taken from the source keeps whether it was verified.
      email_verified: target.email !== null ? target.email_verified : source.email_verified,
      phone_verified: target.phone !== null ? target.phone_verified : source.phone_verified,
      updated_at: sql`now()`,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', target.id)
    .execute();
  await trx
    .updateTable('contacts')
    .set({ merged_into_id: target.id, merged_at: sql`now()`, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', source.id)
    .execute();
  const merge = await trx
    .insertInto('contact_merges')
    .values({
      tenant_id: tenantId,
      target_id: target.id,
      source_id: source.id,
      moved: JSON.stringify(moved),
      target_before: JSON.stringify(before),
      target_after: JSON.stringify(after),
      merged_by: actorId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return merge.id;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sortedKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Undoes a merge: the rows it moved go back to the source (those still on the target), the
 * source shows again, and each of the target's fields the merge filled in returns to its old
 * value unless someone changed it since. A merge whose target was merged away later must wait
 * until that later merge is undone.
 */
export async function undoMerge(
  trx: Transaction<Database>,
  tenantId: string,
  mergeId: string,
  actorId: string | null,
): Promise<{ targetId: string; sourceId: string }> {
  const merge = await trx.selectFrom('contact_merges').selectAll().where('tenant_id', '=', tenantId).where('id', '=', mergeId).forUpdate().executeTakeFirst();
  if (!merge) throw new NotFoundError('merge');
  if (merge.undone_at) throw new ConflictError('this merge was already undone');
  const locked = await lockPair(trx, tenantId, [merge.target_id, merge.source_id]);
  const target = locked.get(merge.target_id);
  const source = locked.get(merge.source_id);
  if (!target || !source) throw new NotFoundError('contact');
  if (target.merged_into_id) throw new ConflictError('the merged contact was merged again since; undo that merge first');
  if (source.merged_into_id !== target.id) throw new ConflictError('the contacts are no longer merged');

  const moved = merge.moved;
  const back: Record<string, string[]> = {};
  for (const table of MOVABLE) back[table] = await move(trx, table, tenantId, target.id, source.id, moved[table] ?? []);
  for (const [name, moveRows] of Object.entries(movedByModules())) back[name] = await moveRows(trx, tenantId, target.id, source.id, moved[name] ?? []);
  await moveMessages(trx, tenantId, target.id, source.id, back.conversations ?? [], moved.messages ?? []);

  const now = fieldsOf(target);
  const restored: Partial<ContactFields> = {};
  for (const key of ['name', 'email', 'phone', 'company_id'] as const) if (now[key] === merge.target_after[key]) restored[key] = merge.target_before[key];
  if (same([...now.tags].sort(), [...merge.target_after.tags].sort())) restored.tags = merge.target_before.tags;
  if (same(sortedKeys(now.attributes), sortedKeys(merge.target_after.attributes))) restored.attributes = merge.target_before.attributes;
  await trx
    .updateTable('contacts')
    .set({ ...restored, ...(restored.attributes ? { attributes: JSON.stringify(restored.attributes) } : {}), updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', target.id)
    .execute();
  await trx
    .updateTable('contacts')
    .set({ merged_into_id: null, merged_at: null, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', source.id)
    .execute();
  await trx.updateTable('contact_merges').set({ undone_at: sql`now()`, undone_by: actorId }).where('id', '=', merge.id).execute();
  return { targetId: target.id, sourceId: source.id };
}
