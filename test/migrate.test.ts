import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openPgDatabase } from '../core/db/pg/pg-database.js';
import { openPgliteDatabase } from '../core/db/pglite/pglite-database.js';
import { migrateReset, migrateUp, migrationStatus } from '../core/db/migrate.js';
import { allMigrations as migrations, collectMigrations } from '../app/migrations.js';
import type { DatabaseHandle } from '../core/db/database.js';
import { DATABASE_URL, emptyPgDatabase } from './support/services.js';

const tables = async (handle: DatabaseHandle) =>
  (
    await sql<{ table_name: string }>`select table_name from information_schema.tables
      where table_schema = 'public' and table_name not like 'schema_migrations%' order by table_name`.execute(handle.db)
  ).rows.map((r) => r.table_name);

const CORE_TABLES = [
  'agent_skills',
  'assignment_log',
  'business_calendars',
  'calendar_holidays',
  'channels',
  'contact_identities',
  'contacts',
  'conversations',
  'group_members',
  'groups',
  'jobs',
  'messages',
  'outbox',
  'role_permissions',
  'roles',
  'router_settings',
  'routing_rules',
  'skills',
  'tenants',
  'users',
];
// Every migration, in order, as the migrator reports it.
const APPLIED = Object.keys(migrations).map((name) => `applied ${name}`);
const REVERTED = Object.keys(migrations)
  .reverse()
  .map((name) => `reverted ${name}`);

describe('migrations', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const drivers = [
    {
      name: 'pg',
      available: Boolean(DATABASE_URL),
      open: async () => {
        const empty = await emptyPgDatabase();
        cleanups.push(() => empty.drop());
        return openPgDatabase(empty.url, 3);
      },
    },
    { name: 'pglite', available: true, open: () => openPgliteDatabase('memory://') },
  ];

  for (const driver of drivers) {
    it.skipIf(!driver.available)(`run up, down and up again cleanly on ${driver.name}`, async () => {
      const handle = await driver.open();
      cleanups.push(() => handle.close());
      expect(await migrateUp(handle.db, migrations)).toEqual(APPLIED);
      expect(await tables(handle)).toEqual(expect.arrayContaining(CORE_TABLES));
      expect(await migrateUp(handle.db, migrations)).toEqual([]);
      expect((await migrationStatus(handle.db, migrations)).every((m) => m.executedAt)).toBe(true);
      expect(await migrateReset(handle.db, migrations)).toEqual(REVERTED);
      expect(await tables(handle)).toEqual([]);
      expect(await migrateUp(handle.db, migrations)).toEqual(APPLIED);
    });

    it.skipIf(!driver.available)(`enforce one identity per channel and external id on ${driver.name}`, async () => {
      const handle = await driver.open();
      cleanups.push(() => handle.close());
      await migrateUp(handle.db, migrations);
      const db = handle.db;
      const tenant = await db.insertInto('tenants').values({ slug: 'acme', name: 'Acme' }).returning('id').executeTakeFirstOrThrow();
      const channel = await db.insertInto('channels').values({ tenant_id: tenant.id, type: 'web', name: 'Site' }).returning('id').executeTakeFirstOrThrow();
      const contact = await db.insertInto('contacts').values({ tenant_id: tenant.id, name: 'Li' }).returning('id').executeTakeFirstOrThrow();
      const identity = { tenant_id: tenant.id, contact_id: contact.id, channel_id: channel.id, external_id: 'visitor-1' };
      await db.insertInto('contact_identities').values(identity).execute();
      await expect(db.insertInto('contact_identities').values(identity).execute()).rejects.toThrow(/unique/i);
      await expect(db.insertInto('tenants').values({ slug: 'www', name: 'No' }).execute()).rejects.toThrow(/check/i);
    });
  }

  it.skipIf(!DATABASE_URL)('applies each migration once when several processes start at the same moment', async () => {
    const empty = await emptyPgDatabase();
    cleanups.push(() => empty.drop());
    const handles = Array.from({ length: 4 }, () => openPgDatabase(empty.url, 2));
    cleanups.push(() => Promise.all(handles.map((h) => h.close())));
    const results = await Promise.all(handles.map((h) => migrateUp(h.db, migrations)));
    expect(results.flat().sort()).toEqual(APPLIED);
    expect(await tables(handles[0]!)).toEqual(expect.arrayContaining(CORE_TABLES));
  });
});

describe('a feature module’s migrations', () => {
  const noop = { up: async () => {} };
  it('run with the kernel’s, in the order of their names', () => {
    const names = Object.keys(collectMigrations([{ name: 'notes', roles: [], migrations: { '0001_z_notes': noop, '9000_notes': noop } }]));
    expect(names.indexOf('0001_z_notes')).toBe(names.indexOf('0001_core') + 1);
    expect(names.at(-1)).toBe('9000_notes');
    // The tickets' tables left migrations/ with their module, under the name databases recorded.
    expect(Object.keys(migrations)).toContain('0011_tickets');
    expect(Object.keys(migrations)).toEqual(Object.keys(migrations).sort());
  });

  it('may not take a name another module or the kernel has', () => {
    expect(() => collectMigrations([{ name: 'notes', roles: [], migrations: { '0001_core': noop } }])).toThrow(
      /0001_core of module notes is already the kernel/,
    );
    const twice = [1, 2].map((n) => ({ name: `m${n}`, roles: [], migrations: { '9000_x': noop } }));
    expect(() => collectMigrations(twice)).toThrow(/9000_x of module m2 is already m1/);
  });
});
