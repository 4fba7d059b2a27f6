import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';

interface Message {
  direction: string;
  private: boolean;
  senderType: string;
  parts: { type: string; text?: string; name?: string }[];
}

describe('macros and scheduled messages through the API', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: Company;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterAll(() => tc.stop());

  const messages = async (id: string) => (await acme.clients.admin.get(`/api/conversations/${id}`)).body.messages as Message[];
  const texts = (list: Message[], pick: (m: Message) => boolean) => list.filter(pick).map((m) => m.parts[0]?.text);
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
  };

  const everyAction = () => ({
    name: 'VIP hand-over',
    actions: [
      { type: 'reply', text: 'Hello {{contact.name}}, a specialist takes over.' },
      { type: 'note', text: 'Handed over by {{agent.name}}' },
      { type: 'add_tag', tag: 'vip' },
      { type: 'set_priority', priority: 5 },
      { type: 'assign_agent', agentId: acme.users.supportAgent },
    ],
  });

  it('lets admins add, edit, list and delete macros, checking what they name', async () => {
    expect((await acme.clients.supportAgent.post('/api/macros', everyAction())).status).toBe(403);
    const bad = await acme.clients.admin.post('/api/macros', { name: 'x', actions: [{ type: 'reply', text: 'Hi {{contact.nmae}}' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toMatch(/^actions/);
    expect((await acme.clients.admin.post('/api/macros', { name: 'x', actions: [{ type: 'assign_agent', agentId: globex.users.supportAgent }] })).status).toBe(
      400,
    );
    const made = await acme.clients.admin.post('/api/macros', { name: 'Draft', actions: [{ type: 'note', text: 'draft' }] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await acme.clients.admin.post('/api/macros', { name: 'Draft', actions: [{ type: 'resolve' }] })).status).toBe(409);
    const edited = await acme.clients.admin.patch(`/api/macros/${made.body.id}`, {
      name: 'Close',
      actions: [{ type: 'assign_group', groupId: acme.groups.sales }, { type: 'resolve' }],
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect((await acme.clients.supportAgent.get('/api/macros')).body.macros.map((m: { name: string }) => m.name)).toEqual(['Close']);
    expect((await globex.clients.admin.get('/api/macros')).body.macros).toEqual([]);
    expect((await globex.clients.admin.delete(`/api/macros/${made.body.id}`)).status).toBe(404);
    expect((await acme.clients.admin.delete(`/api/macros/${made.body.id}`)).status).toBe(204);
  });

  it('runs every action once, in one transaction: all of them or none', async () => {
    const macro = (await acme.clients.admin.post('/api/macros', everyAction())).body;
    const { conversationId, contactId } = acme.conversations.ungrouped;
    expect((await acme.clients.admin.put('/api/agent/status', { status: 'online' })).status).toBe(200);

    // The agent it assigns to is offline: the assignment fails, and the reply before it is not sent.
    const failed = await acme.clients.admin.post(`/api/conversations/${conversationId}/macros/${macro.id}/run`);
    expect(failed.status).toBe(409);
    expect(texts(await messages(conversationId), (m) => m.direction === 'out')).toEqual([]);

    await acme.clients.supportAgent.put('/api/agent/status', { status: 'online' });
    const ran = await acme.clients.admin.post(`/api/conversations/${conversationId}/macros/${macro.id}/run`);
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    expect(ran.body.conversation).toMatchObject({ assigneeId: acme.users.supportAgent, status: 'assigned', priority: 5 });
    const list = await messages(conversationId);
    expect(texts(list, (m) => m.direction === 'out' && !m.private)).toEqual(['Hello acme ungrouped customer, a specialist takes over.']);
    expect(texts(list, (m) => m.private)).toEqual(['Handed over by acme admin']);
    const contact = await tc.ctx.database.db.selectFrom('contacts').select('tags').where('id', '=', contactId).executeTakeFirstOrThrow();
    expect(contact.tags).toEqual(['vip']);
  });

  it('refuses a macro with an action the agent may not do, doing nothing', async () => {
    const macro = (await acme.clients.admin.get('/api/macros')).body.macros.find((m: { name: string }) => m.name === 'VIP hand-over');
    const { conversationId } = acme.conversations.supportAssigned;
    const before = await messages(conversationId);
    const refused = await acme.clients.supportAgent.post(`/api/conversations/${conversationId}/macros/${macro.id}/run`);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain('conversations.assign');
    expect(await messages(conversationId)).toHaveLength(before.length);
    // A macro within the agent's permissions: move to another group and resolve.
    const close = (
      await acme.clients.admin.post('/api/macros', {
        name: 'To sales and close',
        actions: [{ type: 'assign_group', groupId: acme.groups.sales }, { type: 'resolve' }],
      })
    ).body;
    const ran = await acme.clients.supportAgent.post(`/api/conversations/${conversationId}/macros/${close.id}/run`);
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    expect(ran.body.conversation).toMatchObject({ status: 'resolved', groupId: acme.groups.sales });
  });

  it('sends a scheduled message at its time, as the agent who wrote it', async () => {
    const { conversationId } = acme.conversations.ownOnlyAssigned;
    const agent = acme.clients.ownOnly;
    expect(
      (await agent.post(`/api/conversations/${conversationId}/scheduled`, { text: 'late', sendAt: new Date(Date.now() - 1000).toISOString() })).body.issues[0]
        .field,
    ).toBe('sendAt');
    const made = await agent.post(`/api/conversations/${conversationId}/scheduled`, {
      text: 'Did the parcel arrive?',
      sendAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await agent.get(`/api/conversations/${conversationId}/scheduled`)).body.scheduled.map((s: { text: string }) => s.text)).toEqual([
      'Did the parcel arrive?',
    ]);
    expect((await acme.clients.supportAgent.get(`/api/conversations/${conversationId}/scheduled`)).status).toBe(404);
    expect(texts(await messages(conversationId), (m) => m.direction === 'out')).toEqual([]);
    await until(async () => (await agent.get(`/api/conversations/${conversationId}/scheduled`)).body.scheduled.length === 0);
    const sent = (await messages(conversationId)).filter((m) => m.direction === 'out');
    expect(sent.map((m) => [m.parts[0]?.text, m.private, m.senderType])).toEqual([['Did the parcel arrive?', false, 'agent']]);
  });

  it('does not send a scheduled message once the customer wrote, and lets the agent cancel one', async () => {
    const { conversationId, contactId } = acme.conversations.salesQueued;
    const agent = acme.clients.admin;
    const early = (await agent.post(`/api/conversations/${conversationId}/scheduled`, { text: 'Any news?', sendAt: new Date(Date.now() + 1500).toISOString() }))
      .body.scheduled;
    const later = (
      await agent.post(`/api/conversations/${conversationId}/scheduled`, { text: 'Tomorrow then', sendAt: new Date(Date.now() + 3600_000).toISOString() })
    ).body.scheduled;
    await tc.ctx.database.db
      .insertInto('messages')
      .values({
        tenant_id: acme.tenantId,
        conversation_id: conversationId,
        channel_id: acme.channelId,
        direction: 'in',
        sender_type: 'contact',
        sender_id: contactId,
        external_id: 'ext-answer',
        client_id: null,
        content: JSON.stringify([{ type: 'text', text: 'It came, thanks' }]),
        error: null,
      })
      .execute();
    expect((await agent.delete(`/api/conversations/${conversationId}/scheduled/${later.id}`)).status).toBe(204);
    expect((await agent.delete(`/api/conversations/${conversationId}/scheduled/${later.id}`)).status).toBe(404);
    await until(async () => (await agent.get(`/api/conversations/${conversationId}/scheduled`)).body.scheduled.length === 0);
    expect(early.text).toBe('Any news?');
    const list = await messages(conversationId);
    expect(texts(list, (m) => m.direction === 'out' && !m.private)).toEqual([]);
    // The note says why, in the agent's language (an event part), with the text that was not sent.
    expect(list.filter((m) => m.private).map((m) => m.parts)).toEqual([
      [
        { type: 'event', name: 'scheduled.not_sent' },
        { type: 'text', text: 'Any news?' },
      ],
    ]);
  });
});
