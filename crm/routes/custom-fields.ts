import { z } from 'zod';
import type { Db } from '../../core/db/database.js';
import { ConflictError, ValidationError } from '../../core/errors.js';
import { found, idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { answer } from '../../console/server/api/answers.js';

const valueSchemas = {
  text: z.string().max(2000),
  number: z.number().finite(),
  boolean: z.boolean(),
  date: z.iso.date(),
} as const;

/**
 * Checks contact attributes against the company's custom fields: an unknown key or a value of
 * the wrong type is a 400 naming `attributes.<key>`. null removes a value.
 */
export async function checkAttributes(db: Db, tenantId: string, attributes: Record<string, unknown>): Promise<Record<string, unknown>> {
  const fields = await db.selectFrom('custom_fields').select(['key', 'type', 'options']).where('tenant_id', '=', tenantId).execute();
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const issues: { field: string; message: string }[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    const field = byKey.get(key);
    if (!field) {
      issues.push({ field: `attributes.${key}`, message: 'no such custom field' });
      continue;
    }
    if (value === null) continue;
    const ok = field.type === 'select' ? typeof value === 'string' && field.options.includes(value) : valueSchemas[field.type].safeParse(value).success;
    if (!ok) issues.push({ field: `attributes.${key}`, message: field.type === 'select' ? `one of ${field.options.join(', ')}` : `must be a ${field.type}` });
  }
  if (issues.length) throw new ValidationError('invalid custom fields', issues);
  return attributes;
}

const fieldBody = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _, starting with a letter'),
    label: z.string().trim().min(1).max(100),
    type: z.enum(['text', 'number', 'boolean', 'date', 'select']),
    options: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  })
  .refine((b) => b.type !== 'select' || b.options.length > 0, { message: 'a select field needs options', path: ['options'] });

/** A custom contact field; contacts keep its values under `attributes.<key>`. */
const customFieldSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    label: z.string(),
    type: z.enum(['text', 'number', 'boolean', 'date', 'select']),
    options: z.array(z.string()).describe('the choices of a select field'),
  })
  .meta({ id: 'CustomField' });
const fieldList = z.object({ fields: z.array(customFieldSchema) });

export function customFieldRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/custom-fields',
      tag: 'contacts',
      summary: "The company's custom contact fields",
      access: { anyOf: ['contacts.view', 'admin.custom_fields'] },
      responds: fieldList,
      handler: async ({ c, ctx, tenant }) => {
        const rows = await ctx.database.db
          .selectFrom('custom_fields')
          .select(['id', 'key', 'label', 'type', 'options'])
          .where('tenant_id', '=', tenant.id)
          .orderBy('key')
          .execute();
        return answer(c, fieldList, { fields: rows });
      },
    }),
    route({
      method: 'post',
      path: '/custom-fields',
      tag: 'contacts',
      summary: 'Add a custom contact field',
      access: { permission: 'admin.custom_fields' },
      body: fieldBody,
      example: { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] },
      responds: customFieldSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        const taken = await db.selectFrom('custom_fields').select('id').where('tenant_id', '=', tenant.id).where('key', '=', body.key).executeTakeFirst();
        if (taken) throw new ConflictError('a field with that key exists');
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('custom_fields')
            .values({ tenant_id: tenant.id, key: body.key, label: body.label, type: body.type, options: body.options })
            .returning(['id', 'key', 'label', 'type', 'options'])
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'custom_field.created', { type: 'custom_field', id: created.id }, body);
          return created;
        });
        return answer(c, customFieldSchema, row, 201);
      },
    }),
    route({
      method: 'delete',
      path: '/custom-fields/:id',
      tag: 'contacts',
      summary: 'Remove a custom field (values already stored stay on the contacts)',
      access: { permission: 'admin.custom_fields' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const field = found(
          await db.selectFrom('custom_fields').select(['id', 'key']).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'custom field',
        );
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('custom_fields').where('tenant_id', '=', tenant.id).where('id', '=', field.id).execute();
          await audit(trx, auth, 'custom_field.deleted', { type: 'custom_field', id: field.id }, { key: field.key });
        });
        return c.body(null, 204);
      },
    }),
  ];
}
