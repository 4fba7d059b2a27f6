import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from './support/console.js';
import { addConversation, buildCompany, type Company } from './support/console-world.js';

// Group limits follow what agents do: a ticket they make stays theirs to open, whoever sees a
// waiting conversation may take it, and a reply to one takes it for the replier.
describe('group scope that follows the work', () => {
  let tc: TestConsole;
  let acme: Company;
  let n = 0;
  const waiting = async (groupId: string | null) => {
    n++;
    return (
      await addConversation(tc.ctx.database.db, acme.tenantId, acme.channelId, {
        contactName: `Waiting ${n}`,
        externalId: `scope-waiting-${n}`,
        text: `waiting ${n}`,
        groupId,
        assigneeId: null,
      })
    ).conversationId;
  };
  const conversation = async (id: string) =>
    await tc.ctx.database.db.selectFrom('conversations').select(['status', 'assignee_id']).where('id', '=', id).executeTakeFirstOrThrow();
  const agentMessages = async (id: string) =>
    tc.ctx.database.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', id)
      .where('direction', '=', 'out')
      .where('private', '=', false)
      .execute();

  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'scope');
    // Lines that wait to be taken by hand: nothing is handed out when agents come online.
    for (const group of [acme.groups.sales, acme.groups.support])
      expect((await acme.clients.admin.patch(`/api/groups/${group}`, { strategy: 'manual' })).status).toBe(200);
    for (const who of ['admin', 'salesAgent', 'supportAgent'] as const)
      expect((await acme.clients[who].put('/api/agent/status', { status: 'online' })).status).toBe(200);
  });
  afterAll(() => tc.stop());

  it('opens a ticket made from a conversation of another group for the agent who made it', async () => {
    // A Support conversation handed to an agent of Sales: she sees it because it is hers.
    const id = acme.conversations.supportAssigned.conversationId;
    expect((await acme.clients.admin.post(`/api/conversations/${id}/assign`, { agentId: acme.users.salesAgent })).status).toBe(200);
    const made = await acme.clients.salesAgent.post('/api/tickets', { conversationId: id, subject: 'Refund for order A1001' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const opened = await acme.clients.salesAgent.get(`/api/tickets/${made.body.id}`);
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body).toMatchObject({ subject: 'Refund for order A1001', groupId: acme.groups.support, followers: [acme.users.salesAgent] });
    const listed = await acme.clients.salesAgent.get('/api/tickets');
    expect(listed.body.tickets.map((t: { id: string }) => t.id)).toContain(made.body.id);
    // Unfollowed, it is Support's again and out of her reach like any other group's ticket.
    expect((await acme.clients.salesAgent.patch(`/api/tickets/${made.body.id}`, { followers: [] })).status).toBe(200);
    expect((await acme.clients.salesAgent.get(`/api/tickets/${made.body.id}`)).status).toBe(404);
  });

  it('lets an admin in no group take a waiting conversation; an agent still takes only in her groups', async () => {
    const id = await waiting(acme.groups.sales);
    expect((await acme.clients.supportAgent.post(`/api/conversations/${id}/claim`)).status).toBe(404);
    const taken = await acme.clients.admin.post(`/api/conversations/${id}/claim`);
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    expect(taken.body.conversation).toMatchObject({ status: 'assigned', assigneeId: acme.users.admin });
  });

  it('takes a waiting conversation for the agent who replies, and it leaves the queue', async () => {
    const id = await waiting(acme.groups.sales);
    const note = await acme.clients.salesAgent.post(`/api/conversations/${id}/messages`, { clientId: 'scope-note', text: 'checking the order', private: true });
    expect(note.status).toBe(201);
    expect(await conversation(id)).toEqual({ status: 'queued', assignee_id: null }); // a note takes nothing
    const reply = await acme.clients.salesAgent.post(`/api/conversations/${id}/messages`, { clientId: 'scope-reply', text: 'Hello, I am on it' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(await conversation(id)).toEqual({ status: 'assigned', assignee_id: acme.users.salesAgent });
    const queue = await acme.clients.salesAgent.get(`/api/conversations?assigneeId=none&status=queued,open`);
    expect(queue.body.conversations.map((c: { id: string }) => c.id)).not.toContain(id);
    // The same reply sent again (a retry) is the same message, not a second take.
    expect((await acme.clients.salesAgent.post(`/api/conversations/${id}/messages`, { clientId: 'scope-reply', text: 'Hello, I am on it' })).status).toBe(200);
    // Sent twice at once (a double click): one message, one take, no refusal.
    const twice = await waiting(acme.groups.sales);
    const body = { clientId: 'scope-twice', text: 'Hello again' };
    const answers = await Promise.all([0, 1].map(() => acme.clients.salesAgent.post(`/api/conversations/${twice}/messages`, body)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    expect(await agentMessages(twice)).toHaveLength(1);
    expect(await conversation(twice)).toEqual({ status: 'assigned', assignee_id: acme.users.salesAgent });
  });

  it('refuses a reply to a waiting conversation the replier cannot take, with the reason, and sends nothing', async () => {
    const full = await waiting(acme.groups.support);
    expect((await acme.clients.admin.put(`/api/users/${acme.users.supportAgent}/capacity`, { capacity: { chat: 0 } })).status).toBe(200);
    const refused = await acme.clients.supportAgent.post(`/api/conversations/${full}/messages`, { clientId: 'scope-full', text: 'Hello' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ reason: 'at_capacity' });
    expect(await conversation(full)).toEqual({ status: 'queued', assignee_id: null });
    expect(await agentMessages(full)).toHaveLength(0);

    expect((await acme.clients.admin.put(`/api/users/${acme.users.supportAgent}/capacity`, { capacity: { chat: 5 } })).status).toBe(200);
    expect((await acme.clients.supportAgent.put('/api/agent/status', { status: 'away' })).status).toBe(200);
    const away = await acme.clients.supportAgent.post(`/api/conversations/${full}/messages`, { clientId: 'scope-away', text: 'Hello' });
    expect(away.status).toBe(409);
    expect(away.body).toMatchObject({ message: 'the agent is away', reason: 'agent_unavailable' });
    expect(await agentMessages(full)).toHaveLength(0);
  });
});
