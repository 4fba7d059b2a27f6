import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeOpenAI, type FakeOpenAI } from '../../test/support/fake-openai.js';
import { startTestConsole, type TestConsole } from '../../test/support/console.js';
import { buildCompany, type Company } from '../../test/support/console-world.js';
import { AutomationClassifier, CLASSIFY_FAILED, classificationChange } from './classify.js';

const eventually = async <T>(probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('not in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('AI in ticket automations', () => {
  let tc: TestConsole;
  let fake: FakeOpenAI;
  let acme: Company;
  let plain: Company;
  let classifier: AutomationClassifier;
  const db = () => tc.ctx.database.db;
  const rule = (co: Company) =>
    co.clients.admin.post('/api/automations', {
      name: 'Classify new tickets',
      kind: 'trigger',
      events: ['ticket.created'],
      conditions: [],
      actions: [{ type: 'ai_classify', intent: true, tag: true, priority: true, language: true, sentiment: true }],
    });
  const ticketOf = (id: string) => db().selectFrom('tickets').select(['priority', 'tags']).where('id', '=', id).executeTakeFirstOrThrow();
  const requested = (tenantId: string) =>
    db().selectFrom('outbox').select('payload').where('tenant_id', '=', tenantId).where('kind', '=', 'ticket.ai_requested').execute();

  beforeAll(async () => {
    [tc, fake] = await Promise.all([startTestConsole(), fakeOpenAI()]);
    acme = await buildCompany(tc, 'aiauto');
    plain = await buildCompany(tc, 'nomodel');
    const saved = await acme.clients.admin.put('/api/assistant/model', {
      enabled: true,
      baseUrl: fake.url,
      model: 'qwen-plus',
      apiKey: fake.key,
      timeoutMs: 1500,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(204);
    classifier = new AutomationClassifier(tc.ctx);
    await classifier.start();
  }, 120_000);
  afterAll(async () => {
    await classifier?.stop();
    await tc?.stop();
    await fake?.close();
  });

  it('refuses an ai_classify action that asks for nothing', async () => {
    const refused = await acme.clients.admin.post('/api/automations', {
      name: 'Empty',
      kind: 'trigger',
      events: ['ticket.created'],
      conditions: [],
      actions: [{ type: 'ai_classify' }],
    });
    expect(refused.status).toBe(400);
  });

  it('sets the priority and tags the model finds, as the rule’s change, after the ticket is created', async () => {
    const created = await rule(acme);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    fake.answer((request) => {
      expect(request.response_format).toEqual({ type: 'json_object' });
      expect(request.messages[1]?.content).toContain('Subject: 退款还没到账');
      return JSON.stringify({ intent: 'refund', tags: ['Payment', 'bank transfer'], priority: 'urgent', language: 'zh', sentiment: 'negative' });
    });
    const ticket = await acme.clients.admin.post('/api/tickets', {
      subject: '退款还没到账',
      description: '我两周前申请了退款，到现在还没有收到，非常着急！',
      requesterId: acme.conversations.ungrouped.contactId,
    });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    // The ticket was created as it was asked, and only the request was recorded with it.
    expect(ticket.body.priority).toBe('normal');
    expect((await requested(acme.tenantId)).map((r) => r.payload)).toContainEqual({
      ticketId: ticket.body.id,
      ruleId: created.body.id,
      ask: ['intent', 'tag', 'priority', 'language', 'sentiment'],
    });
    const after = await eventually(async () => {
      const t = await ticketOf(ticket.body.id);
      return t.priority === 'urgent' ? t : undefined;
    });
    expect([...after.tags].sort()).toEqual(['bank-transfer', 'intent:refund', 'lang:zh', 'payment', 'sentiment:negative']);
    const page = (await acme.clients.admin.get(`/api/tickets/${ticket.body.id}`)).body;
    expect(page.history).toContainEqual(
      expect.objectContaining({ field: 'priority', from: 'normal', to: 'urgent', actorType: 'automation', actorId: created.body.id }),
    );
    const usage = await acme.clients.admin.get('/api/assistant/usage');
    expect(usage.body.byFeature).toContainEqual(expect.objectContaining({ feature: 'automation' }));
    await acme.clients.admin.delete(`/api/automations/${created.body.id}`);
  }, 60_000);

  it('never holds up the ticket’s creation: a model that hangs changes nothing, and a note says why', async () => {
    const created = await rule(acme);
    fake.next({ hang: 'before' });
    const open = fake.open();
    const started = Date.now();
    const ticket = await acme.clients.admin.post('/api/tickets', { subject: 'Slow model', requesterId: acme.conversations.ungrouped.contactId });
    expect(ticket.status).toBe(201);
    // The model is asked after the creation has answered, and is still thinking.
    await eventually(async () => (fake.open() > open ? true : undefined));
    expect(Date.now() - started).toBeLessThan(15_000);
    const note = await eventually(() =>
      db().selectFrom('ticket_comments').select(['author_type', 'public', 'body']).where('ticket_id', '=', ticket.body.id).executeTakeFirst(),
    );
    expect(note).toMatchObject({ author_type: 'system', public: false });
    expect(note.body.startsWith(CLASSIFY_FAILED)).toBe(true);
    expect(await ticketOf(ticket.body.id)).toEqual({ priority: 'normal', tags: [] });
    await acme.clients.admin.delete(`/api/automations/${created.body.id}`);
  }, 60_000);

  it('changes nothing and asks nothing for a company without a model', async () => {
    const created = await rule(plain);
    expect(created.status).toBe(201);
    const calls = fake.requests.length;
    const ticket = await plain.clients.admin.post('/api/tickets', { subject: 'Refund please', requesterId: plain.conversations.ungrouped.contactId });
    expect(ticket.status).toBe(201);
    const [row] = await requested(plain.tenantId);
    expect(
      await classifier.handle({ id: 'x', tenantId: plain.tenantId, kind: 'ticket.ai_requested', payload: row!.payload as Record<string, unknown>, at: '' }),
    ).toBe(false);
    expect(await ticketOf(ticket.body.id)).toEqual({ priority: 'normal', tags: [] });
    expect(fake.requests.length).toBe(calls);
  });

  it('keeps only what was asked for and what fits', () => {
    const text = JSON.stringify({
      intent: 'Delivery Status',
      tags: ['a', 'b', 'c', 'd'],
      priority: 'critical',
      language: 'english please',
      sentiment: 'angry',
    });
    expect(classificationChange(text, ['priority', 'language', 'sentiment'])).toEqual({ addTags: [] });
    expect(classificationChange(text, ['intent', 'tag'])).toEqual({ addTags: ['a', 'b', 'c', 'intent:delivery-status'] });
    expect(() => classificationChange('not json', ['tag'])).toThrow();
  });
});
