import { sql } from 'kysely';
import { visibilityOf, type Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import { NotFoundError } from '../core/errors.js';
import { visibleTo } from '../console/server/conversations/visibility.js';

/**
 * Contacts a principal may see: with `all` visibility every contact of the company; otherwise
 * only customers with a conversation the principal may see, so neither a list, a note nor a
 * search hit ever surfaces another group's customer. Contacts merged into another are hidden
 * (they are kept only so the merge can be undone).
 */
export function contactsQuery(db: Db, principal: Principal) {
  let q = db.selectFrom('contacts').selectAll('contacts').where('contacts.tenant_id', '=', principal.tenantId).where('contacts.merged_into_id', 'is', null);
  if (visibilityOf(principal) !== 'all') {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversations')
          .select(sql`1`.as('one'))
          .whereRef('conversations.contact_id', '=', 'contacts.id')
          .where('conversations.tenant_id', '=', principal.tenantId)
          .where((inner) => visibleTo(inner, principal)),
      ),
    );
  }
  return q;
}

export type ContactRow = Awaited<ReturnType<ReturnType<typeof contactsQuery>['execute']>>[number];

/** The contact, or 404 when it does not exist in this company or the principal may not see it. */
export async function visibleContact(db: Db, principal: Principal, id: string): Promise<ContactRow> {
  const row = await contactsQuery(db, principal).where('contacts.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('contact');
  return row;
}

export const contactView = (r: ContactRow) => ({
  id: r.id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  companyId: r.company_id,
  tags: r.tags,
  attributes: r.attributes,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** `%text%` for ILIKE with the pattern characters escaped. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
