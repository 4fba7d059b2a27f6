import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'sb-config-'));

describe('configuration', () => {
  it('runs embedded with nothing set: PGlite under DATA_DIR and the in-process bus', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.database).toEqual({ kind: 'pglite', dir: join(dir, 'pglite') });
    expect(config.bus).toEqual({ kind: 'memory' });
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  it('makes a secret key once, keeps it private in DATA_DIR, and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.secretKey).toHaveLength(32);
    expect(second.secretKey.equals(first.secretKey)).toBe(true);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(first.secretKey.toString('hex'));
  });

  it('scales out with DATABASE_URL and several AMQP brokers', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://u@db:5432/sb',
      AMQP_URL: 'amqp://a:5672, amqp://b:5672',
      SECRET_KEY: 'ab'.repeat(32),
    });
    expect(config.database).toMatchObject({ kind: 'pg', url: 'postgres://u@db:5432/sb' });
    expect(config.bus).toEqual({ kind: 'rabbitmq', urls: ['amqp://a:5672', 'amqp://b:5672'], namespace: undefined, queueType: 'quorum' });
  });

  it('refuses a bad configuration with one message naming every bad variable and why', () => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', SECRET_KEY: 'short', AMQP_URL: 'http://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const variable of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'SECRET_KEY', 'AMQP_URL']) expect(message).toContain(`${variable}:`);
    expect(message).toContain('postgres://');
    expect(message).not.toContain('short');
  });

  it('reads TRUST_PROXY as a number of proxies and refuses the renamed sign-in variables by name', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).console.trustProxyHops).toBe(0);
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: 'true' }).console.trustProxyHops).toBe(1);
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: '2' }).console.trustProxyHops).toBe(2);
    expect(() => loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), SIGN_IN_MAX_FAILURES: '5' })).toThrow(/SIGN_IN_MAX_FAILURES: is no longer read; see SIGN_IN_FREE_FAILURES/);
    const config = loadConfig({ DATA_DIR: dataDir(), SESSION_TTL_HOURS: '12' });
    expect(config.console.sessionMaxMs).toBe(7 * 24 * 3_600_000);
  });

  it('requires a shared SECRET_KEY when the database is shared', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://db/sb' })).toThrow(/SECRET_KEY: is required/);
  });

  it('reads the outbound allow-list, and names an entry it cannot read', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), OUTBOUND_ALLOW: '127.0.0.1, ::1,10.0.0.0/8 ,pbx.internal' });
    expect(config.outbound.allow).toEqual([
      { kind: 'subnet', address: '127.0.0.1', prefix: 32, family: 'ipv4' },
      { kind: 'subnet', address: '::1', prefix: 128, family: 'ipv6' },
      { kind: 'subnet', address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { kind: 'host', name: 'pbx.internal' },
    ]);
    expect(loadConfig({ DATA_DIR: dataDir() }).outbound.allow).toEqual([]);
    expect(() => loadConfig({ DATA_DIR: dataDir(), OUTBOUND_ALLOW: '10.0.0.0/40' })).toThrow(/OUTBOUND_ALLOW: "10.0.0.0\/40" is not/);
  });
});
