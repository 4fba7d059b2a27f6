import { sql } from 'kysely';
import { z } from 'zod';
import { ConflictError } from '../../core/errors.js';
import { found, idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { containsPattern, contactsQuery, contactView } from '../visibility.js';
import { answer } from '../../console/server/api/answers.js';
import { contactViewSchema } from './contacts.js';

const companyBody = z.object({ name: z.string().trim().min(1).max(200), domain: z.string().trim().toLowerCase().max(253).nullable().default(null) });
type CompanyRow = { id: string; name: string; domain: string | null; created_at: Date };
/** An organisation customers belong to. */
const companySchema = z.object({ id: z.string(), name: z.string(), domain: z.string().nullable(), createdAt: z.string() }).meta({ id: 'Company' });
const companyList = z.object({ companies: z.array(companySchema) });
const companyDetail = companySchema.extend({ contacts: z.array(contactViewSchema).describe('those the caller may see') });
const view = (r: CompanyRow): z.infer<typeof companySchema> => ({ id: r.id, name: r.name, domain: r.domain, createdAt: new Date(r.created_at).toISOString() });

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/** The organisations customers belong to. A company's contact list shows only the contacts the caller may see. */
export function companyRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/companies',
      tag: 'contacts',
      summary: "The customers' companies, by name",
      access: { permission: 'contacts.view' },
      query: z.object({ q: z.string().trim().min(1).max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      responds: companyList,
      handler: async ({ c, ctx, tenant, query }) => {
        let q = ctx.database.db.selectFrom('companies').select(['id', 'name', 'domain', 'created_at']).where('tenant_id', '=', tenant.id);
        if (query.q) q = q.where((eb) => eb.or([eb('name', 'ilike', containsPattern(query.q!)), eb('domain', 'ilike', containsPattern(query.q!))]));
        const rows = await q.orderBy(sql`lower(name)`).limit(query.limit).execute();
        return answer(c, companyList, { companies: rows.map(view) });
      },
    }),
    route({
      method: 'post',
      path: '/companies',
      tag: 'contacts',
      summary: 'Add a company',
      access: { permission: 'contacts.edit' },
      body: companyBody,
      example: { name: 'Initech', domain: 'initech.example' },
      responds: companySchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const row = await ctx.database.db
          .transaction()
          .execute(async (trx) => {
            const created = await trx
              .insertInto('companies')
              .values({ tenant_id: tenant.id, name: body.name, domain: body.domain })
              .returning(['id', 'name', 'domain', 'created_at'])
              .executeTakeFirstOrThrow();
            await audit(trx, auth, 'company.created', { type: 'company', id: created.id });
            return created;
          })
          .catch((error) => {
            throw isUniqueViolation(error) ? new ConflictError('a company with that name exists') : error;
          });
        return answer(c, companySchema, view(row), 201);
      },
    }),
    route({
      method: 'get',
      path: '/companies/:id',
      tag: 'contacts',
      summary: 'One company with the contacts of it the caller may see',
      access: { permission: 'contacts.view' },
      params: idParams,
      responds: companyDetail,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const company = found(
          await db
            .selectFrom('companies')
            .select(['id', 'name', 'domain', 'created_at'])
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .executeTakeFirst(),
          'company',
        );
        const contacts = await contactsQuery(db, auth.principal).where('contacts.company_id', '=', company.id).orderBy('contacts.name').limit(200).execute();
        return answer(c, companyDetail, { ...view(company), contacts: contacts.map(contactView) });
      },
    }),
    route({
      method: 'patch',
      path: '/companies/:id',
      tag: 'contacts',
      summary: 'Rename a company or change its domain',
      access: { permission: 'contacts.edit' },
      params: idParams,
      body: companyBody.partial().refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
      example: { domain: 'initech.example' },
      responds: companySchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('companies').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'company');
        const row = await db
          .transaction()
          .execute(async (trx) => {
            const updated = await trx
              .updateTable('companies')
              .set({
                ...(body.name !== undefined ? { name: body.name } : {}),
                ...(body.domain !== undefined ? { domain: body.domain } : {}),
                updated_at: sql`now()`,
              })
              .where('tenant_id', '=', tenant.id)
              .where('id', '=', params.id)
              .returning(['id', 'name', 'domain', 'created_at'])
              .executeTakeFirstOrThrow();
            await audit(trx, auth, 'company.updated', { type: 'company', id: updated.id }, { fields: Object.keys(body) });
            return updated;
          })
          .catch((error) => {
            throw isUniqueViolation(error) ? new ConflictError('a company with that name exists') : error;
          });
        return answer(c, companySchema, view(row));
      },
    }),
  ];
}
