import { sql } from 'kysely';
import type { Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import { contactsQuery, contactView } from './visibility.js';

export type DuplicateReason = 'email' | 'phone' | 'wechat_unionid';

export { phoneDigits } from '../core/domain/phone.js';

/**
 * Every (contact, reason, key) of a company that can reveal a duplicate: the contact's own
 * e-mail and phone and its e-mail, phone and UnionID handles, normalised.
 */
const keysSql = (tenantId: string) => sql<{ contact_id: string; reason: DuplicateReason; key: string }>`
  select c.id as contact_id, 'email' as reason, lower(c.email) as key from contacts c
    where c.tenant_id = ${tenantId} and c.merged_into_id is null and c.email is not null
  union
  select c.id, 'phone', regexp_replace(c.phone, '[^0-9]', '', 'g') from contacts c
    where c.tenant_id = ${tenantId} and c.merged_into_id is null and length(regexp_replace(c.phone, '[^0-9]', '', 'g')) >= 5
  union
  select h.contact_id, h.kind, case h.kind when 'phone' then regexp_replace(h.value, '[^0-9]', '', 'g') else lower(h.value) end
    from contact_handles h join contacts c on c.id = h.contact_id and c.tenant_id = h.tenant_id
    where h.tenant_id = ${tenantId} and c.merged_into_id is null and h.kind in ('email', 'phone', 'wechat_unionid')`;

export interface DuplicateGroup {
  reason: DuplicateReason;
  key: string;
  contacts: ReturnType<typeof contactView>[];
}

/** Groups of visible contacts that share an e-mail address, a phone number or a WeChat UnionID. */
export async function duplicateGroups(db: Db, principal: Principal, limit = 50): Promise<DuplicateGroup[]> {
  const groups = await sql<{ reason: DuplicateReason; key: string; ids: string[] }>`
    select reason, key, array_agg(distinct contact_id) as ids from (${keysSql(principal.tenantId)}) k
    where key <> '' group by reason, key having count(distinct contact_id) > 1
    order by reason, key limit ${limit}`.execute(db);
  const ids = [...new Set(groups.rows.flatMap((g) => g.ids))];
  if (ids.length === 0) return [];
  const visible = new Map((await contactsQuery(db, principal).where('contacts.id', 'in', ids).execute()).map((c) => [c.id, contactView(c)]));
  return groups.rows
    .map((g) => ({ reason: g.reason, key: g.key, contacts: g.ids.map((id) => visible.get(id)).filter((c) => c !== undefined) }))
    .filter((g) => g.contacts.length > 1);
}

/** The visible contacts that share a key with one contact, each with the reasons. */
export async function duplicatesOf(
  db: Db,
  principal: Principal,
  contactId: string,
): Promise<{ contact: ReturnType<typeof contactView>; reasons: DuplicateReason[] }[]> {
  const rows = await sql<{ contact_id: string; reason: DuplicateReason }>`
    with k as (${keysSql(principal.tenantId)})
    select distinct other.contact_id, other.reason from k mine join k other on other.reason = mine.reason and other.key = mine.key
    where mine.contact_id = ${contactId} and other.contact_id <> ${contactId} and mine.key <> ''
    limit 200`.execute(db);
  if (rows.rows.length === 0) return [];
  const visible = new Map(
    (
      await contactsQuery(db, principal)
        .where('contacts.id', 'in', [...new Set(rows.rows.map((r) => r.contact_id))])
        .execute()
    ).map((c) => [c.id, contactView(c)]),
  );
  const byContact = new Map<string, DuplicateReason[]>();
  for (const r of rows.rows) if (visible.has(r.contact_id)) byContact.set(r.contact_id, [...(byContact.get(r.contact_id) ?? []), r.reason]);
  return [...byContact].map(([id, reasons]) => ({ contact: visible.get(id)!, reasons: reasons.sort() }));
}
