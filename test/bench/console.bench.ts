// The console's first load in Chromium: the sign-in page and the inbox of a signed-in agent, each
// from a cold cache in a fresh browser context, BENCH_RUNS times (default 5). Per page: bytes on
// the wire (headers included), bytes after decoding, requests, DOMContentLoaded and load, and for
// the inbox the time to its first conversation row — medians. Two scenarios in the same run: the
// browser as it is (brotli and gzip accepted), and one that accepts no encoding, which is what
// every page cost before the server compressed anything. Starts a whole Switchboard in this
// process (on PostgreSQL and RabbitMQ when DATABASE_URL and AMQP_URL are set, else embedded) and
// needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium). One JSON object per scenario on stdout.
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, launchBrowser, startSwitchboard } from '../support/browser.js';
import { seedCustomerConversation } from '../support/web-world.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SLUG = 'bench-console';
const log = (text: string) => process.stderr.write(`console bench: ${text}\n`);

interface PageLoad {
  transferredBytes: number;
  decodedBytes: number;
  requests: number;
  domContentLoadedMs: number;
  loadMs: number;
  firstRowMs?: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
};

/** Counts what the page's requests moved, through the DevTools protocol (the wire, not the cache). */
async function countTraffic(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const totals = { transferredBytes: 0, decodedBytes: 0, requests: 0 };
  cdp.on('Network.dataReceived', (event) => {
    totals.decodedBytes += event.dataLength;
  });
  cdp.on('Network.loadingFinished', (event) => {
    totals.transferredBytes += event.encodedDataLength;
    totals.requests++;
  });
  return totals;
}

async function navigationTimes(page: Page) {
  await page.waitForFunction(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.loadEventEnd);
  return page.evaluate(() => {
    const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { domContentLoadedMs: Math.round(entry.domContentLoadedEventEnd), loadMs: Math.round(entry.loadEventEnd) };
  });
}

async function loadSignIn(browser: Browser, url: string, headers: Record<string, string>): Promise<PageLoad> {
  const context = await browser.newContext({ extraHTTPHeaders: headers });
  try {
    const page = await context.newPage();
    const traffic = await countTraffic(page);
    await page.goto(`${url}/t/${SLUG}/sign-in`);
    await page.getByLabel('Password').waitFor();
    const times = await navigationTimes(page);
    await page.waitForLoadState('networkidle');
    return { ...traffic, ...times };
  } finally {
    await context.close();
  }
}

async function loadInbox(browser: Browser, url: string, headers: Record<string, string>): Promise<PageLoad> {
  const context = await browser.newContext({ extraHTTPHeaders: headers });
  try {
    const signIn = await context.request.post(`${url}/t/${SLUG}/api/session`, { data: { email: 'ada@example.com', password: ADMIN_PASSWORD } });
    if (!signIn.ok()) throw new Error(`sign-in answered ${signIn.status()}`);
    const page = await context.newPage();
    const traffic = await countTraffic(page);
    await page.goto(`${url}/t/${SLUG}/`);
    // Read on the page's clock once the row is there: includes one round trip to the browser.
    await page.locator('.conversation-list li').first().waitFor();
    const firstRowMs = Math.round(await page.evaluate(() => performance.now()));
    const times = await navigationTimes(page);
    await page.waitForLoadState('networkidle');
    return { ...traffic, ...times, firstRowMs };
  } finally {
    await context.close();
  }
}

function summary(loads: PageLoad[]) {
  const of = (key: keyof PageLoad) => median(loads.map((load) => load[key] ?? 0));
  return {
    transferred_bytes: of('transferredBytes'),
    decoded_bytes: of('decodedBytes'),
    requests: of('requests'),
    dom_content_loaded_ms: of('domContentLoadedMs'),
    load_ms: of('loadMs'),
    ...(loads[0]?.firstRowMs !== undefined ? { first_row_ms: of('firstRowMs') } : {}),
  };
}

async function main(): Promise<void> {
  const [server, browser] = await Promise.all([startSwitchboard({ SIGNUP: 'open', LOG_LEVEL: 'warn' }), launchBrowser()]);
  try {
    const signUp = await fetch(`${server.url}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyName: 'Bench Console', slug: SLUG, name: 'Ada Admin', email: 'ada@example.com', password: ADMIN_PASSWORD }),
    });
    if (!signUp.ok) throw new Error(`sign-up answered ${signUp.status}`);
    const db = server.process.ctx.database.db;
    const ada = await db.selectFrom('users').select('id').where('email', '=', 'ada@example.com').executeTakeFirstOrThrow();
    for (let i = 1; i <= 20; i++) {
      await seedCustomerConversation(db, {
        tenantSlug: SLUG,
        assigneeId: ada.id,
        contactName: `Customer ${i}`,
        messages: [{ direction: 'in', parts: [{ type: 'text', text: `Where is order A-${1000 + i}? 我的订单在哪里？` }] }],
      });
    }
    const scenarios = { compressed: {}, uncompressed: { 'Accept-Encoding': 'identity' } };
    const results: Record<string, { sign_in: PageLoad[]; inbox: PageLoad[] }> = {};
    for (const name of Object.keys(scenarios)) results[name] = { sign_in: [], inbox: [] };
    // Alternate the scenarios so both see the same machine load.
    for (let run = 1; run <= RUNS; run++) {
      for (const [name, headers] of Object.entries(scenarios)) {
        results[name]!.sign_in.push(await loadSignIn(browser, server.url, headers));
        results[name]!.inbox.push(await loadInbox(browser, server.url, headers));
      }
      log(`run ${run} of ${RUNS}`);
    }
    for (const [name, loads] of Object.entries(results)) {
      process.stdout.write(
        `${JSON.stringify({ bench: 'console', scenario: name, runs: RUNS, database: server.process.ctx.database.kind, sign_in: summary(loads.sign_in), inbox: summary(loads.inbox) })}\n`,
      );
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`console bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
