import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from './support/services.js';

/** The `switchboard` command on the TypeScript sources (`npm run dev`), what these tests run. */
const SOURCES_ENTRY = 'console/cli/dev.mjs';
/** The `switchboard` command of `npm start` and the package's bin: runs dist/switchboard.mjs. */
const PRODUCTION_ENTRY = 'console/cli/bin.mjs';

function switchboard(
  args: string[],
  env: Record<string, string>,
  entry = SOURCES_ENTRY,
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

// Each test starts whole processes (two, for the embedded default); a hang still fails.
describe('switchboard start', { timeout: 240_000 }, () => {
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
    // A start compiles the sources and migrates a fresh database: tens of seconds on a busy machine.
    const url = await eventually(() => listeningUrl(run.output()), { timeoutMs: 90_000 });
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

  it.skipIf(!DATABASE_URL || !AMQP_URL)(
    'npm start runs the built server bundle (npm run build:server) with the console pages and the widget script',
    async () => {
      const { buildServer } = await import('../console/cli/build-server.mjs');
      // Built where `npm run build:server` puts it: the bundle finds the console pages from dist/
      // and the widget script beside it; `npm start` (the switchboard command) runs it.
      await buildServer();
      const output = await startAndCheck(await servicesEnv(), PRODUCTION_ENTRY, async (url) => {
        const page = await fetch(`${url}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<div id="root">');
        const widget = await fetch(`${url}/widget/widget.js`);
        expect(widget.status).toBe(200);
        expect(widget.headers.get('content-type')).toContain('javascript');
        expect((await widget.text()).length).toBeGreaterThan(1000);
        // The panel the loader fetches on open, built beside it.
        const panel = await fetch(`${url}/widget/widget-panel.js`);
        expect(panel.status).toBe(200);
        expect(await panel.text()).toContain('sb-title');
      });
      expect(output).toContain('"database":"pg"');
    },
  );

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

describe('the production command', () => {
  const repo = resolve(import.meta.dirname, '..');
  const packageJson = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

  it('npm start and the switchboard bin run console/cli/bin.mjs, which runs dist/switchboard.mjs with the arguments', async () => {
    expect(packageJson.scripts.start).toBe(`node ${PRODUCTION_ENTRY} start`);
    expect(packageJson.bin.switchboard).toBe(PRODUCTION_ENTRY);
    // A copy of the command beside a stand-in bundle that reports how it was run.
    const root = mkdtempSync(join(tmpdir(), 'sb-bin-'));
    mkdirSync(join(root, 'console/cli'), { recursive: true });
    copyFileSync(join(repo, PRODUCTION_ENTRY), join(root, PRODUCTION_ENTRY));
    const run = () => switchboard(['start', '--role', 'gateway'], {}, join(root, PRODUCTION_ENTRY));

    const missing = run();
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toContain('run npm run build');

    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist/switchboard.mjs'), 'process.stdout.write(JSON.stringify({ url: import.meta.url, args: process.argv.slice(2) }));\n');
    const started = run();
    expect(await started.exited).toBe(0);
    expect(JSON.parse(started.output())).toEqual({ url: pathToFileURL(join(root, 'dist/switchboard.mjs')).href, args: ['start', '--role', 'gateway'] });
  });

  it('the server bundle imports only production dependencies (and esbuild lazily, for a widget script it lacks)', async () => {
    const { bundleForNode } = await import('../console/cli/build-server.mjs');
    const outfile = await bundleForNode(join(repo, 'console/cli/switchboard.ts'), join(mkdtempSync(join(tmpdir(), 'sb-bundle-')), 'switchboard.mjs'));
    const code = readFileSync(outfile, 'utf8');
    const packageOf = (specifier: string) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
    const external = (pattern: RegExp) =>
      [
        ...new Set(
          [...code.matchAll(pattern)]
            .map((m) => m[1]!)
            .filter((s) => !s.startsWith('node:'))
            .map(packageOf),
        ),
      ].sort();
    const runtime = Object.keys(packageJson.dependencies);
    const staticImports = external(/^import\s(?:[^;'"]*?\sfrom\s*)?"([^"]+)";/gms);
    expect(staticImports.length).toBeGreaterThan(10);
    expect(staticImports.filter((name) => !runtime.includes(name))).toEqual([]);
    const dynamicImports = external(/\bimport\("([^"]+)"\)/g);
    expect(dynamicImports.filter((name) => !runtime.includes(name))).toEqual(['esbuild']);
    for (const tool of ['esbuild', 'vite', '@vitejs/plugin-react', 'tsx']) expect(packageJson.devDependencies[tool], tool).toBeDefined();
  });
});
