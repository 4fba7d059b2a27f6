// Commits state and its events in one transaction, then dies at once — before any relay could
// publish them. argv: <database url or pglite dir> <count>
import { openPgDatabase } from '../../core/db/pg/pg-database.js';
import { openPgliteDatabase } from '../../core/db/pglite/pglite-database.js';
import { recordEvents } from '../../core/outbox/outbox.js';

const [target, count] = process.argv.slice(2);
const handle = target!.startsWith('postgres') ? openPgDatabase(target!, 2) : await openPgliteDatabase(target!);
const tenant = await handle.db.selectFrom('tenants').select('id').executeTakeFirstOrThrow();
for (let i = 0; i < Number(count); i++) {
  await handle.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('skills')
      .values({ tenant_id: tenant.id, name: `skill-${i}` })
      .execute();
    await recordEvents(trx, [{ tenantId: tenant.id, kind: 'skill.created', payload: { name: `skill-${i}` } }]);
  });
}
process.stdout.write('committed\n');
process.kill(process.pid, 'SIGKILL');
