import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addConversation, buildCompany, type Company } from '../../test/support/console-world.js';
import { signUp, startTestConsole, type ApiClient, type TestConsole } from '../../test/support/console.js';
import type { SurveyTables } from '../../surveys/part.js';
import { botDb, type SessionState } from '../bot/schema.js';
import { modelDb } from '../model/schema.js';
import { recordUsage } from '../model/usage.js';

describe('the answer bot report through the API', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: { admin: ApiClient; tenantId: string };
  const range = '/api/assistant/reports?from=2026-03-01&to=2026-03-31&timeZone=Asia/Shanghai';
  const inMarch = new Date('2026-03-10T04:00:00Z');

  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme-botrep');
    const g = await signUp(tc, 'globex-botrep');
    globex = { admin: g.admin, tenantId: g.tenantId };
    const db = tc.ctx.database.db;
    const bot = botDb(db);
    const surveys = db.withTables<SurveyTables>();
    const channelOf = async (tenantId: string) =>
      (await db.insertInto('channels').values({ tenant_id: tenantId, type: 'app-api', name: 'bot app' }).returning('id').executeTakeFirstOrThrow()).id;
    let n = 0;
    /** One conversation the bot took, how it ended and how the customer rated it. */
    const session = async (tenantId: string, channelId: string, state: SessionState, options: { reason?: string; rating?: number; startedAt?: Date } = {}) => {
      n += 1;
      const { conversationId } = await addConversation(db, tenantId, channelId, {
        contactName: `customer ${n}`,
        externalId: `botrep-${n}`,
        text: `question ${n}`,
        groupId: null,
        assigneeId: null,
      });
      const startedAt = options.startedAt ?? inMarch;
      await bot
        .insertInto('bot_sessions')
        .values({
          conversation_id: conversationId,
          tenant_id: tenantId,
          channel_id: channelId,
          state,
          handoff_reason: options.reason ?? null,
          first_envelope: '{}',
          started_at: startedAt,
          last_customer_at: startedAt,
          ended_at: state === 'active' ? null : new Date(startedAt.getTime() + 60_000),
        })
        .execute();
      if (options.rating)
        await surveys
          .insertInto('csat_responses')
          .values({
            tenant_id: tenantId,
            conversation_id: conversationId,
            rating: options.rating,
            via: 'link',
            channel_id: channelId,
            group_id: null,
            agent_id: null,
          })
          .execute();
    };
    const acmeChannel = acme.channelId;
    await session(acme.tenantId, acmeChannel, 'resolved', { rating: 5 });
    await session(acme.tenantId, acmeChannel, 'resolved', { rating: 3 });
    await session(acme.tenantId, acmeChannel, 'resolved');
    await session(acme.tenantId, acmeChannel, 'handed_over', { reason: 'customer asked' });
    await session(acme.tenantId, acmeChannel, 'handed_over', { reason: 'customer asked', rating: 1 });
    await session(acme.tenantId, acmeChannel, 'handed_over', { reason: 'low confidence' });
    await session(acme.tenantId, acmeChannel, 'active');
    // Outside the period (Shanghai's 1 March starts at 16:00 UTC the day before): not counted.
    await session(acme.tenantId, acmeChannel, 'resolved', { rating: 1, startedAt: new Date('2026-02-28T15:59:00Z') });
    await session(acme.tenantId, acmeChannel, 'handed_over', { reason: 'max turns', startedAt: new Date('2026-04-01T00:00:00Z') });
    const globexChannel = await channelOf(globex.tenantId);
    await session(globex.tenantId, globexChannel, 'handed_over', { reason: 'model error', rating: 2 });

    const call = (tenantId: string, feature: string, latencyMs: number, errorCode?: string) =>
      recordUsage(db, {
        tenantId,
        feature,
        model: 'm',
        promptTokens: errorCode ? 0 : 100,
        completionTokens: errorCode ? 0 : 20,
        latencyMs,
        ...(errorCode ? { errorCode } : {}),
      });
    for (const ms of [100, 200, 300, 400]) await call(acme.tenantId, 'bot', ms);
    await call(acme.tenantId, 'bot', 5000, 'timeout');
    await call(acme.tenantId, 'copilot.suggest', 800);
    await call(globex.tenantId, 'bot', 9000);
    await modelDb(db).updateTable('ai_usage').set({ at: inMarch }).execute();
  });
  afterAll(() => tc.stop());

  it('counts what the bot took, resolved alone, handed over and why, how bot-only conversations were rated, and the model', async () => {
    const answer = await acme.clients.supervisor.get(range);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.from).toBe('2026-02-28T16:00:00.000Z');
    expect(answer.body.to).toBe('2026-03-31T16:00:00.000Z');
    expect(answer.body.bot).toEqual({
      taken: 7,
      resolved: 3,
      deflectionRate: 0.429,
      handedOver: 3,
      active: 1,
      handoffReasons: [
        { reason: 'customer asked', count: 2 },
        { reason: 'low confidence', count: 1 },
      ],
    });
    // The answer of a conversation a person finished is not the bot's.
    expect(answer.body.satisfaction).toEqual({ answers: 2, average: 4, satisfied: 1, satisfiedRate: 0.5 });
    const model = answer.body.model;
    expect(model).toMatchObject({ calls: 6, promptTokens: 500, completionTokens: 100, errors: 1, latency: { medianMs: 300, p95Ms: 720 } });
    expect(model.byFeature.map((f: { feature: string; calls: number }) => [f.feature, f.calls])).toEqual([
      ['bot', 5],
      ['copilot.suggest', 1],
    ]);
    expect(model.byFeature[0]).toMatchObject({ errors: 1, errorsByCode: { timeout: 1 }, latency: { medianMs: 250, p95Ms: 385 } });
  });

  it('shows each company only its own, and refuses agents and bad ranges', async () => {
    const other = await globex.admin.get(range);
    expect(other.status).toBe(200);
    expect(other.body.bot).toMatchObject({ taken: 1, resolved: 0, deflectionRate: 0, handoffReasons: [{ reason: 'model error', count: 1 }] });
    expect(other.body.satisfaction).toEqual({ answers: 0, average: null, satisfied: 0, satisfiedRate: null });
    expect(other.body.model).toMatchObject({ calls: 1, latency: { medianMs: 9000 } });

    expect((await acme.clients.supportAgent.get(range)).status).toBe(403);
    expect((await acme.clients.ownOnly.get(range)).status).toBe(403);
    const backwards = await acme.clients.admin.get('/api/assistant/reports?from=2026-03-31&to=2026-03-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.issues[0].field).toBe('from');
    const empty = await acme.clients.admin.get('/api/assistant/reports?from=2025-01-01&to=2025-01-31');
    expect(empty.body.bot).toMatchObject({ taken: 0, deflectionRate: null, handoffReasons: [] });
  });
});
