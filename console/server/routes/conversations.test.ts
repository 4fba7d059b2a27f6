import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';

const ids = (answer: { body: { conversations: { id: string }[] } }) => answer.body.conversations.map((c) => c.id).sort();

describe('conversations: lists narrowed by role, one conversation, replies and notes', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: Company;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterAll(() => tc.stop());

  it('lists for each role exactly the conversations it may see', async () => {
    const c = acme.conversations;
    const expected = {
      admin: [c.salesQueued, c.supportAssigned, c.ownOnlyAssigned, c.ungrouped],
      supervisor: [c.salesQueued, c.supportAssigned, c.ownOnlyAssigned, c.ungrouped],
      salesAgent: [c.salesQueued, c.ownOnlyAssigned],
      supportAgent: [c.supportAssigned],
      ownOnly: [c.ownOnlyAssigned],
    } as const;
    for (const [role, visible] of Object.entries(expected)) {
      const answer = await acme.clients[role as keyof typeof expected].get('/api/conversations');
      expect(answer.status, role).toBe(200);
      expect(ids(answer), role).toEqual(visible.map((v) => v.conversationId).sort());
    }
  });

  it('answers 404 for a conversation the caller may not see, in its own company or another', async () => {
    expect((await acme.clients.salesAgent.get(`/api/conversations/${acme.conversations.supportAssigned.conversationId}`)).status).toBe(404);
    expect((await acme.clients.admin.get(`/api/conversations/${globex.conversations.salesQueued.conversationId}`)).status).toBe(404);
    const own = await acme.clients.salesAgent.get(`/api/conversations/${acme.conversations.salesQueued.conversationId}`);
    expect(own.status).toBe(200);
    expect(own.body.messages.map((m: { parts: { text: string }[] }) => m.parts[0]!.text)).toEqual([acme.conversations.salesQueued.text]);
    expect(own.body.conversation.contact.name).toBe('acme salesQueued customer');
  });

  it('filters by status, group, assignee and text, and never returns a hit the caller may not see', async () => {
    const admin = acme.clients.admin;
    expect(ids(await admin.get('/api/conversations?status=queued'))).toEqual(
      [acme.conversations.salesQueued.conversationId, acme.conversations.ungrouped.conversationId].sort(),
    );
    expect(ids(await admin.get(`/api/conversations?groupId=${acme.groups.support}`))).toEqual([acme.conversations.supportAssigned.conversationId]);
    expect(ids(await acme.clients.ownOnly.get('/api/conversations?assigneeId=me'))).toEqual([acme.conversations.ownOnlyAssigned.conversationId]);
    expect(ids(await admin.get('/api/conversations?assigneeId=none'))).toHaveLength(2);
    expect(ids(await admin.get('/api/conversations?q=supportAssigned-message'))).toEqual([acme.conversations.supportAssigned.conversationId]);
    expect(ids(await acme.clients.salesAgent.get('/api/conversations?q=supportAssigned-message'))).toEqual([]);
    expect(ids(await admin.get('/api/conversations?q=globex'))).toEqual([]);
    const bad = await admin.get('/api/conversations?status=sleeping&limit=1000');
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['limit', 'status.0']);
    expect((await admin.get('/api/conversations?cursor=garbage')).body.issues[0].field).toBe('cursor');
  });

  it('pages through with a cursor, each conversation once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { conversations: { id: string }[]; nextCursor: string | null } } = await acme.clients.admin.get(
        `/api/conversations?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.conversations.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
  });

  it("marks the customer's messages read when the console views them, once, and only where the viewer may see", async () => {
    const { conversationId } = acme.conversations.salesQueued;
    const db = tc.ctx.database.db;
    const first = await acme.clients.salesAgent.post(`/api/conversations/${conversationId}/read`, {});
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ read: 1 });
    const messages = await db
      .selectFrom('messages')
      .select(['id', 'status'])
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'in')
      .execute();
    expect(messages.map((m) => m.status)).toEqual(['read']);
    const events = await db.selectFrom('outbox').select('payload').where('kind', '=', 'conversation.read').execute();
    expect(events.map((e) => e.payload as { upTo: string; conversation: { id: string } }).map((p) => [p.conversation.id, p.upTo])).toEqual([
      [conversationId, messages[0]!.id],
    ]);
    expect((await acme.clients.salesAgent.post(`/api/conversations/${conversationId}/read`, {})).body).toEqual({ read: 0 });
    expect((await acme.clients.supportAgent.post(`/api/conversations/${conversationId}/read`, {})).status).toBe(404);
  });

  it('sends a reply once however often the client submits it, with its delivery in the outbox', async () => {
    const conversationId = acme.conversations.salesQueued.conversationId;
    const agent = acme.clients.salesAgent;
    // Replying to a waiting conversation takes it, which needs the agent online.
    expect((await agent.put('/api/agent/status', { status: 'online' })).status).toBe(200);
    const body = { clientId: 'client-1', text: 'Hello, how can I help?', parts: [{ type: 'image', url: 'https://cdn.acme.example/a.png', name: 'a.png' }] };
    const [first, second] = await Promise.all([
      agent.post(`/api/conversations/${conversationId}/messages`, body),
      agent.post(`/api/conversations/${conversationId}/messages`, body),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(first.body.message.id).toBe(second.body.message.id);
    expect(first.body.message.parts).toHaveLength(2);
    const deliveries = await tc.ctx.database.db.selectFrom('outbox').select('payload').where('exchange', '=', 'outbound').execute();
    expect(deliveries.filter((d) => (d.payload as { conversationId: string }).conversationId === conversationId)).toHaveLength(1);
    const bad = await agent.post(`/api/conversations/${conversationId}/messages`, {
      clientId: 'client-2',
      parts: [{ type: 'image', url: 'javascript:alert(1)' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toMatch(/^parts\.0/);
    expect((await agent.post(`/api/conversations/${conversationId}/messages`, { clientId: 'client-3' })).body.issues[0].field).toBe('text');
  });

  it('writes internal notes with @mentions of colleagues, and refuses mentions of strangers', async () => {
    const conversationId = acme.conversations.salesQueued.conversationId;
    const agent = acme.clients.salesAgent;
    const note = await agent.post(`/api/conversations/${conversationId}/messages`, {
      clientId: 'note-1',
      text: '@boss please look',
      private: true,
      mentions: [acme.users.supervisor],
    });
    expect(note.status).toBe(201);
    expect(note.body.message.private).toBe(true);
    const mentions = await acme.clients.supervisor.get('/api/mentions?unread=true');
    expect(mentions.body.mentions).toEqual([expect.objectContaining({ messageId: note.body.message.id, conversationId })]);
    const event = await tc.ctx.database.db.selectFrom('outbox').select(['kind', 'payload']).where('kind', '=', 'note.mentioned').executeTakeFirstOrThrow();
    expect(event.payload).toMatchObject({ messageId: note.body.message.id, userIds: [acme.users.supervisor] });
    const stranger = await agent.post(`/api/conversations/${conversationId}/messages`, {
      clientId: 'note-2',
      text: 'hi',
      private: true,
      mentions: [globex.users.admin],
    });
    expect(stranger.status).toBe(400);
    expect(stranger.body.issues[0].field).toBe('mentions');
    const publicMention = await agent.post(`/api/conversations/${conversationId}/messages`, { clientId: 'note-3', text: 'hi', mentions: [acme.users.admin] });
    expect(publicMention.body.issues[0].field).toBe('mentions');
  });

  it('refuses replies to conversations the caller may not see, and to roles without the reply permission', async () => {
    const other = acme.conversations.supportAssigned.conversationId;
    expect((await acme.clients.salesAgent.post(`/api/conversations/${other}/messages`, { clientId: 'x', text: 'hi' })).status).toBe(404);
    expect((await acme.clients.supervisor.post(`/api/conversations/${other}/messages`, { clientId: 'x', text: 'hi' })).status).toBe(403);
    expect((await globex.clients.admin.post(`/api/conversations/${other}/messages`, { clientId: 'x', text: 'hi' })).status).toBe(404);
  });
});
