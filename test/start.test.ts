import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from './support/services.js';

function switchboard(
  args: string[],
  env: Record<string, string>,
  entry = 'console/cli/bin.mjs',
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [entry, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

const listeningUrl = (output: string) => /"url":"(http:[^"]+)"/.exec(output)?.[1];

describe('switchboard start', () => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** A process's settings for a fresh database on PostgreSQL and the test RabbitMQ (dropped after the test). */
  async function servicesEnv(): Promise<Record<string, string>> {
    const database = await emptyPgDatabase();
    cleanups.push(() => database.drop());
    return {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-start-')),
      DATABASE_URL: database.url,
      AMQP_URL: AMQP_URL!,
      BUS_QUEUE_TYPE: TEST_QUEUE_TYPE,
      BUS_NAMESPACE,
      SECRET_KEY: 'cd'.repeat(32),
    };
  }

  async function startAndCheck(env: Record<string, string>, entry?: string, alsoCheck?: (url: string) => Promise<void>) {
    const run = switchboard(['start'], { PORT: '0', HOST: '127.0.0.1', ...env }, entry);
    children.push(run.child);
    const url = await eventually(() => listeningUrl(run.output()), { timeoutMs: 30_000 });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: true, bus: true });
    expect((await fetch(`${url}/metrics`)).headers.get('content-type')).toContain('text/plain');
    await alsoCheck?.(url!);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('switchboard stopped');
    return run.output();
  }

  it('serves /readyz on the embedded default with no services configured, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-start-'));
    const output = await startAndCheck({ DATA_DIR: dir });
    expect(output).toContain('"database":"pglite"');
    expect(output).toContain('"bus":"memory"');
    // The generated key is kept on disk and never printed.
    const { readFileSync } = await import('node:fs');
    const key = readFileSync(join(dir, 'secret.key'), 'utf8').trim();
    expect(output).not.toContain(key);
    // A second start opens the same data and keeps the key.
    await startAndCheck({ DATA_DIR: dir });
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(key);
  });

  it.skipIf(!DATABASE_URL || !AMQP_URL)('serves /readyz on PostgreSQL and RabbitMQ when they are configured', async () => {
    const output = await startAndCheck(await servicesEnv());
    expect(output).toContain('"database":"pg"');
    expect(output).toContain('"bus":"rabbitmq"');
  });

  it.skipIf(!DATABASE_URL || !AMQP_URL)('runs from the built server bundle (npm run build:server) with the console pages and the widget script', async () => {
    const { buildServer } = await import('../console/cli/build-server.mjs');
    // Built where `npm run build:server` puts it: the bundle finds the console pages from dist/.
    const entry = await buildServer();
    const output = await startAndCheck(
      await servicesEnv(),
      entry,
      async (url) => {
        const page = await fetch(`${url}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<div id="root">');
        const widget = await fetch(`${url}/widget/widget.js`);
        expect(widget.status).toBe(200);
        expect(widget.headers.get('content-type')).toContain('javascript');
        expect((await widget.text()).length).toBeGreaterThan(1000);
      },
    );
    expect(output).toContain('"database":"pg"');
  });

  it('refuses to start on a bad configuration, naming each bad variable', async () => {
    const run = switchboard(['start'], { PORT: 'x', LOG_LEVEL: 'loud', DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-start-')) });
    children.push(run.child);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('configuration is invalid');
    expect(run.output()).toMatch(/PORT: .*number/);
    expect(run.output()).toContain('LOG_LEVEL:');
  });

  it('runs migrate status and seed demo from the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));
    const seed = switchboard(['seed', 'demo'], { DATA_DIR: dir });
    expect(await seed.exited).toBe(0);
    expect(seed.output()).toContain('demo company created');
    const status = switchboard(['migrate', 'status'], { DATA_DIR: dir });
    expect(await status.exited).toBe(0);
    expect(status.output()).toContain('applied  0001_core');
    const wrong = switchboard(['start', '--role', 'gateway,kitchen'], { DATA_DIR: dir });
    expect(await wrong.exited).toBe(64);
    expect(wrong.output()).toContain('unknown: kitchen');
  });
});
