import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startProcess, type RunningProcess } from '../../app/start.js';
import { loadConfig } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, TEST_QUEUE_TYPE } from './services.js';
import { LOOPBACK_ALLOW } from './connectors.js';

/** Debian's Chromium; `npx playwright install` cannot download browsers on these machines. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const browserAvailable = existsSync(CHROMIUM);

const webDist = join(import.meta.dirname, '../../console/web/dist');

/** Builds the console web app when no build is there yet (`npm ci` builds it through `prepare`). */
export function ensureWebBuilt(): void {
  if (existsSync(join(webDist, 'index.html'))) return;
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'console/web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: join(import.meta.dirname, '../..'),
    stdio: 'inherit',
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface TestServer {
  url: string;
  process: RunningProcess;
  /** Where the embedded mode writes its mail (activation and reset links). */
  mailDir: string;
  stop(): Promise<void>;
}

/**
 * A whole Switchboard (all roles) in this process, on PostgreSQL and RabbitMQ when the
 * environment names them, else embedded; its public URL is the address the browser uses.
 */
export async function startSwitchboard(extraEnv: Record<string, string> = {}): Promise<TestServer> {
  ensureWebBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-web-'));
  const database = DATABASE_URL ? await emptyPgDatabase() : undefined;
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    OUTBOUND_ALLOW: LOOPBACK_ALLOW,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    SECRET_KEY: 'ab'.repeat(32),
    SIGNUP: 'open',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(AMQP_URL ? { AMQP_URL, BUS_NAMESPACE, BUS_QUEUE_TYPE: TEST_QUEUE_TYPE } : {}),
    ...extraEnv,
  };
  const config = loadConfig(env);
  const running = await startProcess(config, ['gateway', 'router', 'console'], createLogger(config.logLevel));
  return {
    url,
    process: running,
    mailDir: join(dataDir, 'mail'),
    stop: async () => {
      await running.stop();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Chromium, headless, in a throwaway profile; `extraArgs` add switches (a fake microphone, host-resolver rules for real-looking names). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

export async function newPage(browser: Browser, options: { locale?: string; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: { width: options.width ?? 1280, height: 800 },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  (page as Page & { problems?: string[] }).problems = problems;
  return { context, page };
}

/** Errors thrown in the page and dialogs it opened (an `alert` from injected script would show here). */
export const pageProblems = (page: Page): string[] => (page as Page & { problems?: string[] }).problems ?? [];

/** Saves a screenshot under test-results/ (kept by CI as evidence). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(import.meta.dirname, '../../test-results');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** The password every browser test's first admin signs up with. */
export const ADMIN_PASSWORD = 'correct horse battery';

/** A new company signed up through the public API; its id and its first admin's. */
export async function signUpCompany(
  server: TestServer,
  company: { companyName: string; slug: string; name?: string; email?: string },
): Promise<{ tenantId: string; adminId: string; response: Response }> {
  const response = await fetch(`${server.url}/api/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Ada Admin', email: 'ada@example.com', ...company, password: ADMIN_PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`sign-up of ${company.slug} answered ${response.status}: ${await response.text()}`);
  const body = (await response.clone().json()) as { tenant: { id: string }; user: { id: string } };
  return { tenantId: body.tenant.id, adminId: body.user.id, response };
}

/** Signs in on the company's sign-in page and waits for the inbox. */
export async function signIn(page: Page, server: TestServer, slug: string, email = 'ada@example.com', password = ADMIN_PASSWORD): Promise<void> {
  await page.goto(`${server.url}/t/${slug}/sign-in`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('tab', { name: /Mine/ }).waitFor();
}
