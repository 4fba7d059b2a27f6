// DATABASE_URL with several hosts (libpq's form): the pool reads it, walks the hosts in order to
// the one that takes writes, and gives up with the connection error when none does in time.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/config.js';
import { parseDatabaseUrl } from '../core/db/pg/database-url.js';
import { MultiHostPool, isConnectionError } from '../core/db/pg/multi-host.js';
import { openPgDatabase } from '../core/db/pg/pg-database.js';
import { sql } from 'kysely';
import { freePort } from './faults/lib/private-services.js';
import { DATABASE_URL } from './support/services.js';

describe('DATABASE_URL with several hosts', () => {
  it('is split into one URL per host, keeping user, database and parameters', () => {
    expect(parseDatabaseUrl('postgres://app:s%40cret@db1:5432,db2:6432/switchboard?sslmode=disable&target_session_attrs=read-write')).toEqual({
      urls: ['postgres://app:s%40cret@db1:5432/switchboard?sslmode=disable', 'postgres://app:s%40cret@db2:6432/switchboard?sslmode=disable'],
      targetSessionAttrs: 'read-write',
    });
    expect(parseDatabaseUrl('postgresql://db1,db2/x')).toEqual({ urls: ['postgresql://db1/x', 'postgresql://db2/x'], targetSessionAttrs: 'read-write' });
    expect(parseDatabaseUrl('postgres://u@db1:5432/x')).toEqual({ urls: ['postgres://u@db1:5432/x'], targetSessionAttrs: 'any' });
    // One host, as before: passed through untouched (a Unix socket too).
    expect(parseDatabaseUrl('postgres:///x?host=/var/run/postgresql')).toEqual({ urls: ['postgres:///x?host=/var/run/postgresql'], targetSessionAttrs: 'any' });
  });

  it('is refused by the configuration when malformed', () => {
    const base = { SECRET_KEY: 'ab'.repeat(32), LOG_LEVEL: 'silent' };
    expect(() => loadConfig({ ...base, DATABASE_URL: 'postgres://db1:5432,:6432/x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'postgres://db1,db2/x?target_session_attrs=standby' })).toThrow(/target_session_attrs/);
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://db1:5432,db2:5432/x?target_session_attrs=read-write' }).database).toMatchObject({
      kind: 'pg',
      url: 'postgres://db1:5432,db2:5432/x?target_session_attrs=read-write',
    });
  });

  it('tells connection failures from statement failures', () => {
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '25006' }))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
  });

  it.skipIf(!DATABASE_URL)('skips a host that is down and writes on the next one', async () => {
    const real = new URL(DATABASE_URL!);
    const dead = await freePort();
    const url = `postgres://${real.username}${real.password ? `:${real.password}` : ''}@127.0.0.1:${dead},${real.host}${real.pathname}?target_session_attrs=read-write`;
    const handle = openPgDatabase(url, 2);
    try {
      const { rows } = await sql<{ port: number; recovery: boolean }>`select inet_server_port() as port, pg_is_in_recovery() as recovery`.execute(handle.db);
      expect(rows[0]).toEqual({ port: Number(real.port || 5432), recovery: false });
    } finally {
      await handle.close();
    }
  });

  it('fails with the connection error when no host answers in time', async () => {
    const pool = new MultiHostPool({
      urls: [`postgres://u@127.0.0.1:${await freePort()}/x`, `postgres://u@127.0.0.1:${await freePort()}/x`],
      targetSessionAttrs: 'read-write',
      max: 1,
      failoverWaitMs: 300,
    });
    const started = Date.now();
    try {
      await expect(pool.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      await pool.end();
    }
  });
});
