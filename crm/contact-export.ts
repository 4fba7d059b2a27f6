import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import { BASE_COLUMNS, TAG_SEPARATOR, inertCell } from './csv-columns.js';
import { contactsQuery } from './visibility.js';

const PAGE = 1000;

const text = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);

/**
 * The contacts a principal may see as CSV, streamed page by page (keyset on id), so the memory
 * it takes does not grow with the company. The columns are the ones import reads, custom fields
 * by key, so an exported file can be edited and imported back.
 */
export async function exportContacts(db: Db, principal: Principal): Promise<Readable> {
  const fields = (await db.selectFrom('custom_fields').select('key').where('tenant_id', '=', principal.tenantId).orderBy('key').execute()).map((f) => f.key);
  const header = [...BASE_COLUMNS, ...fields];
  async function* rows() {
    yield header;
    let after: string | undefined;
    for (;;) {
      let q = contactsQuery(db, principal)
        .leftJoin('companies', (j) => j.onRef('companies.id', '=', 'contacts.company_id').onRef('companies.tenant_id', '=', 'contacts.tenant_id'))
        .select('companies.name as company_name');
      if (after) q = q.where('contacts.id', '>', after);
      const page = await q.orderBy('contacts.id').limit(PAGE).execute();
      for (const r of page) {
        yield [
          r.id,
          r.name,
          r.email,
          r.phone,
          r.company_name,
          r.tags.join(`${TAG_SEPARATOR} `),
          new Date(r.created_at).toISOString(),
          ...fields.map((key) => r.attributes[key]),
        ].map((v) => inertCell(text(v)));
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.id;
    }
  }
  // Quote every cell: a spreadsheet then keeps leading zeros and long numbers as text.
  return Readable.from(rows()).pipe(stringify({ quoted: true, record_delimiter: 'windows' }));
}
