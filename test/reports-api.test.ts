import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportsConsumer } from '../reports/consumer.js';
import { SurveySender } from '../surveys/sender.js';
import { surveyDb } from '../surveys/schema.js';
import { startTestConsole, type TestConsole } from './support/console.js';
import { buildCompany, type Company } from './support/console-world.js';
import { eventually } from './support/services.js';

describe('reports API, surveys and the live monitor', () => {
  let tc: TestConsole;
  let acme: Company;
  let consumer: ReportsConsumer;
  let surveys: SurveySender;
  let surveyLink: string;

  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    consumer = new ReportsConsumer({ db: tc.ctx.database.db, bus: tc.ctx.bus, logger: tc.ctx.logger }, { flushMs: 20 });
    await consumer.start();
    surveys = new SurveySender(tc.ctx);
    await surveys.start();
  }, 120_000);
  afterAll(async () => {
    await surveys?.stop();
    await consumer?.stop();
    await tc?.stop();
  });

  it('sends one survey with a signed link when an agent resolves a conversation', async () => {
    const id = acme.conversations.supportAssigned.conversationId;
    expect((await acme.clients.supportAgent.post(`/api/conversations/${id}/resolve`)).status).toBe(200);
    const message = await eventually(async () => {
      const row = await tc.ctx.database.db
        .selectFrom('messages')
        .select(['content', 'sender_type'])
        .where('conversation_id', '=', id)
        .where('sender_type', '=', 'system')
        .executeTakeFirst();
      if (!row) throw new Error('no survey yet');
      return row;
    });
    const text = (message.content as { type: string; text?: string }[]).find((p) => p.type === 'text')!.text!;
    surveyLink = /(http\S+\/survey\/\S+)/.exec(text)![1]!;
    // A second resolution (reopen, resolve) sends nothing more.
    await acme.clients.supportAgent.post(`/api/conversations/${id}/reopen`);
    await acme.clients.admin.post(`/api/conversations/${id}/resolve`);
    await new Promise((r) => setTimeout(r, 300));
    const count = await tc.ctx.database.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('conversation_id', '=', id)
      .where('sender_type', '=', 'system')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('takes one answer per conversation on the public page, shows it on the conversation and in the CSAT report', async () => {
    const path = new URL(surveyLink).pathname;
    const page = await tc.app.request(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('acme');
    const answer = await tc.app.request(path, { method: 'POST', body: new URLSearchParams({ rating: '4', comment: '<b>quick</b>' }) });
    expect(answer.status).toBe(200);
    const again = await tc.app.request(path, { method: 'POST', body: new URLSearchParams({ rating: '1' }) });
    expect(again.status).toBe(409);
    const forged = await tc.app.request(`${path.slice(0, -3)}abc`);
    expect(forged.status).toBe(404);
    const id = acme.conversations.supportAssigned.conversationId;
    const shown = await acme.clients.supportAgent.get(`/api/conversations/${id}/satisfaction`);
    expect(shown.body).toMatchObject({ rating: 4, comment: '<b>quick</b>', via: 'link' });
    expect((await acme.clients.salesAgent.get(`/api/conversations/${id}/satisfaction`)).status).toBe(404);
    const csat = await eventually(async () => {
      const r = await acme.clients.admin.get('/api/reports/csat');
      if (r.body.totals.csatResponses !== 1) throw new Error('not yet');
      return r.body;
    });
    expect(csat.totals).toMatchObject({ csatResponses: 1, csatAverage: 4, csatPercent: 100 });
    expect(csat.comments[0]).toMatchObject({ rating: 4, comment: '<b>quick</b>' });
  });

  it('gives managers every report with CSV, and agents only their own figures', async () => {
    const overview = await eventually(async () => {
      const r = await acme.clients.admin.get('/api/reports/overview?timeZone=Asia/Shanghai');
      if (r.body.totals.resolved !== 2) throw new Error(`resolved ${r.body.totals?.resolved}`);
      return r.body;
    });
    expect(overview).toMatchObject({ report: 'overview', timeZone: 'Asia/Shanghai', ownOnly: false, totals: { resolved: 2, reopened: 1 } });
    const csv = await acme.clients.admin.download('/api/reports/agents?format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.bytes.toString('utf8').trim().split('\n');
    expect(lines[0]).toContain('name,');
    expect(lines.some((l) => l.includes('acme Support Agent'))).toBe(true);
    const mine = await acme.clients.supportAgent.get('/api/reports/agents');
    expect(mine.body.ownOnly).toBe(true);
    expect(mine.body.rows.map((r: { id: string }) => r.id)).toEqual([acme.users.supportAgent]);
    expect((await acme.clients.ownOnly.get('/api/reports/overview')).status).toBe(403);
    const bad = await acme.clients.admin.get('/api/reports/overview?from=2026-05-02&to=2026-05-01');
    expect(bad.status).toBe(400);
    expect((await acme.clients.admin.get('/api/reports/overview?timeZone=Mars/Base')).status).toBe(400);
  });

  it('shows managers the live monitor: waiting conversations, longest wait and agents by status', async () => {
    expect((await acme.clients.salesAgent.get('/api/reports/monitor')).status).toBe(403);
    await tc.ctx.database.db
      .updateTable('conversations')
      .set({ queued_at: new Date(Date.now() - 90_000) })
      .where('id', '=', acme.conversations.salesQueued.conversationId)
      .execute();
    const monitor = await acme.clients.admin.get('/api/reports/monitor');
    const sales = monitor.body.queues.find((q: { groupId: string }) => q.groupId === acme.groups.sales);
    expect(sales).toMatchObject({ name: 'Sales', waitingConversations: 1, waitingCalls: 0 });
    expect(sales.longestWaitSeconds).toBeGreaterThanOrEqual(90);
    expect(sales.agents.offline + sales.agents.online + sales.agents.busy + sales.agents.away).toBe(2);
    expect(monitor.body.agents.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps the answer unique even when two arrive at once', async () => {
    const id = acme.conversations.ownOnlyAssigned.conversationId;
    const { recordSurveyAnswer } = await import('../surveys/answer.js');
    const results = await Promise.allSettled(
      [1, 2, 3].map((rating) => recordSurveyAnswer(tc.ctx.database.db, { tenantId: acme.tenantId, conversationId: id, rating, comment: '', via: 'link' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rows = await surveyDb(tc.ctx.database.db).selectFrom('csat_responses').select('id').where('conversation_id', '=', id).execute();
    expect(rows).toHaveLength(1);
  });
});
