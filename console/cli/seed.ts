import type { Db } from '../../core/db/database.js';

/**
 * A demo company for a first look: tenant `demo` with the built-in roles and one group. Running
 * it twice changes nothing.
 */
export async function seedDemo(db: Db): Promise<{ tenantId: string; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('tenants').select('id').where('slug', '=', 'demo').executeTakeFirst();
    if (existing) return { tenantId: existing.id, created: false };
    const tenant = await trx.insertInto('tenants').values({ slug: 'demo', name: 'Demo Company' }).returning('id').executeTakeFirstOrThrow();
    await trx
      .insertInto('roles')
      .values([
        { tenant_id: tenant.id, name: 'admin', builtin: true },
        { tenant_id: tenant.id, name: 'agent', builtin: true },
      ])
      .execute();
    await trx.insertInto('groups').values({ tenant_id: tenant.id, name: 'Support' }).execute();
    return { tenantId: tenant.id, created: true };
  });
}
