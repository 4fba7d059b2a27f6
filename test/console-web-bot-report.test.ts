import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { botDb, type SessionState } from '../assistant/bot/schema.js';
import { recordUsage } from '../assistant/model/usage.js';
import type { SurveyTables } from '../surveys/part.js';
import {
  browserAvailable,
  launchBrowser,
  newPage,
  pageProblems,
  screenshot,
  startSwitchboard,
  type TestServer,
  signUpCompany,
  signIn,
} from './support/browser.js';
import { addConversation } from './support/console-world.js';

/** A manager opens the answer bot's report: its deflection, the handovers in words, the ratings and the model, in English and Chinese. */
describe.skipIf(!browserAvailable)('console web app: the answer bot report', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const base = () => `${server.url}/t/bot-report-co`;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const { tenantId } = await signUpCompany(server, { companyName: 'Bot Report Co', slug: 'bot-report-co', name: 'Mia Manager', email: 'mia@example.com' });
    const db = server.process.ctx.database.db;
    const channelId = (
      await db.insertInto('channels').values({ tenant_id: tenantId, type: 'sandbox', name: 'Website' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const sessions: [SessionState, string | null, number | null][] = [
      ['resolved', null, 5],
      ['resolved', null, 4],
      ['resolved', null, null],
      ['handed_over', 'customer asked', 2],
      ['handed_over', 'low confidence', null],
    ];
    for (const [i, [state, reason, rating]] of sessions.entries()) {
      const { conversationId } = await addConversation(db, tenantId, channelId, {
        contactName: `Visitor ${i}`,
        externalId: `visitor-${i}`,
        text: 'Where is my parcel?',
        groupId: null,
        assigneeId: null,
      });
      await botDb(db)
        .insertInto('bot_sessions')
        .values({
          conversation_id: conversationId,
          tenant_id: tenantId,
          channel_id: channelId,
          state,
          handoff_reason: reason,
          first_envelope: '{}',
          ended_at: new Date(),
        })
        .execute();
      if (rating)
        await db
          .withTables<SurveyTables>()
          .insertInto('csat_responses')
          .values({ tenant_id: tenantId, conversation_id: conversationId, rating, via: 'link', channel_id: channelId, group_id: null, agent_id: null })
          .execute();
    }
    for (const latencyMs of [400, 600]) await recordUsage(db, { tenantId, feature: 'bot', model: 'qwen', promptTokens: 300, completionTokens: 80, latencyMs });
    await recordUsage(db, {
      tenantId,
      feature: 'copilot.suggest',
      model: 'qwen',
      promptTokens: 0,
      completionTokens: 0,
      latencyMs: 30000,
      errorCode: 'timeout',
    });
    ({ context, page } = await newPage(browser));
    await signIn(page, server, 'bot-report-co', 'mia@example.com');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows what the bot resolved alone, why it handed over, its ratings and the model', async () => {
    await page.goto(`${base()}/reports/bot`);
    await page.getByRole('heading', { name: 'Answer bot & AI', level: 1 }).waitFor();
    const figure = (name: string) => page.locator(`[data-figure="${name}"] dd`).textContent();
    await page.locator('[data-figure="taken"] dd').waitFor();
    expect(await figure('taken')).toBe('5');
    expect(await figure('resolved')).toBe('3');
    expect(await figure('deflectionRate')).toBe('60%');
    expect(await figure('average')).toBe('4.5 / 5');
    expect(await figure('calls')).toBe('3');
    expect(await figure('medianMs')).toBe('500 ms');
    const reasons = page.getByRole('table', { name: 'Handovers by reason' });
    await expect(reasons.getByRole('row').nth(1).textContent()).resolves.toBe('The customer asked for a person150%');
    await reasons.getByRole('cell', { name: 'The best article did not match well enough' }).waitFor();
    await page.getByRole('table', { name: 'Model calls by feature' }).getByRole('cell', { name: '1 (timeout: 1)' }).waitFor();
    await screenshot(page, 'console-web-bot-report');
    expect(pageProblems(page)).toEqual([]);
  });

  it('reads in Chinese', async () => {
    const zh = await browser.newContext({ locale: 'zh-CN', storageState: await context.storageState() });
    try {
      const zhPage = await zh.newPage();
      await zhPage.goto(`${base()}/reports/bot`);
      await zhPage.getByRole('heading', { name: '智能客服', level: 1 }).waitFor();
      await zhPage.getByRole('cell', { name: '客户要求转人工' }).waitFor();
      await zhPage.getByText('机器人解决率').waitFor();
      await screenshot(zhPage, 'console-web-bot-report-zh');
    } finally {
      await zh.close();
    }
  });
});
