import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { SenderIdentity } from '../domain/messages.js';
import { e164 } from '../domain/phone.js';

/**
 * The contacts whose verified phone or e-mail is what the channel proved about this sender (the
 * number of a call or a WhatsApp message, the address of a mail), from their own fields and their
 * identifiers; at most `limit`. Phone numbers compare in E.164 digits (core/domain/phone.ts).
 * Values a visitor typed prove nothing on either side.
 */
export async function contactsWithVerifiedMatch(db: Kysely<Database>, tenantId: string, sender: SenderIdentity, limit = 5): Promise<string[]> {
  const digits = sender.verified?.includes('phone') && sender.phone ? e164(sender.phone)?.slice(1) : undefined;
  const email = sender.verified?.includes('email') && sender.email ? sender.email.trim().toLowerCase() : undefined;
  const parts = [];
  if (digits) {
    parts.push(sql`select c.id from contacts c where c.tenant_id = ${tenantId} and c.phone is not null
      and regexp_replace(c.phone, '[^0-9]', '', 'g') = ${digits} and c.phone_verified and c.merged_into_id is null`);
    parts.push(sql`select h.contact_id from contact_handles h join contacts c on c.id = h.contact_id and c.tenant_id = h.tenant_id
      where h.tenant_id = ${tenantId} and h.kind = 'phone' and regexp_replace(h.value, '[^0-9]', '', 'g') = ${digits} and c.merged_into_id is null`);
  }
  if (email) {
    parts.push(sql`select c.id from contacts c where c.tenant_id = ${tenantId} and c.email is not null
      and lower(c.email) = ${email} and c.email_verified and c.merged_into_id is null`);
    parts.push(sql`select h.contact_id from contact_handles h join contacts c on c.id = h.contact_id and c.tenant_id = h.tenant_id
      where h.tenant_id = ${tenantId} and h.kind = 'email' and lower(h.value) = ${email} and c.merged_into_id is null`);
  }
  if (parts.length === 0) return [];
  const rows = await sql<{ id: string }>`select id from (${sql.join(parts, sql` union `)}) m(id) order by id limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.id);
}
