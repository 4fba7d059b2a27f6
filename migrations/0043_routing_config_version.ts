import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * A version of each company's routing set-up, so a router process can keep the set-up it read
 * and read it again only when it changed. `tenants.routing_config_version` moves in the same
 * transaction as every change to what the router reads as its configuration (rules, its
 * settings, groups, calendars, holidays), through triggers: whichever code path makes the change
 * — the console, a module, a cascade from a deleted calendar or group, a script — the version
 * moves, and commits with it. One statement adds one, however many rows it touched; a statement
 * that touched none moves nothing.
 *
 * Holidays get an index by company: reading the set-up (one statement, by company) had no other
 * way to them than a sequential scan, which the router's batches price last (`enable_seqscan`
 * off), and a plan priced that high is compiled by PostgreSQL's JIT first — 70 ms and more for
 * a statement that reads a handful of rows.
 */
const TABLES = ['routing_rules', 'router_settings', 'groups', 'business_calendars', 'calendar_holidays'] as const;

const up = [
  'CREATE INDEX calendar_holidays_tenant ON calendar_holidays (tenant_id)',
  'ALTER TABLE tenants ADD COLUMN routing_config_version bigint NOT NULL DEFAULT 0',
  `CREATE FUNCTION routing_config_bump() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      UPDATE tenants SET routing_config_version = routing_config_version + 1 WHERE id IN (SELECT tenant_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
      UPDATE tenants SET routing_config_version = routing_config_version + 1 WHERE id IN (SELECT tenant_id FROM old_rows);
    ELSE
      UPDATE tenants SET routing_config_version = routing_config_version + 1
        WHERE id IN (SELECT tenant_id FROM new_rows UNION SELECT tenant_id FROM old_rows);
    END IF;
    RETURN NULL;
  END
  $$`,
  ...TABLES.flatMap((table) => [
    `CREATE TRIGGER ${table}_routing_version_insert AFTER INSERT ON ${table}
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION routing_config_bump()`,
    `CREATE TRIGGER ${table}_routing_version_update AFTER UPDATE ON ${table}
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION routing_config_bump()`,
    `CREATE TRIGGER ${table}_routing_version_delete AFTER DELETE ON ${table}
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION routing_config_bump()`,
  ]),
];

const down = [
  ...TABLES.flatMap((table) => ['insert', 'update', 'delete'].map((op) => `DROP TRIGGER ${table}_routing_version_${op} ON ${table}`)),
  'DROP FUNCTION routing_config_bump()',
  'ALTER TABLE tenants DROP COLUMN routing_config_version',
  'DROP INDEX calendar_holidays_tenant',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
