import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';

describe('conversation actions and agent status through the API', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: Company;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterAll(() => tc.stop());

  it('lets an agent claim a waiting conversation of their group, not one they cannot see', async () => {
    const id = acme.conversations.salesQueued.conversationId;
    // In a group that assigns by claiming only, nothing is handed out when agents come online.
    expect((await acme.clients.admin.patch(`/api/groups/${acme.groups.sales}`, { strategy: 'manual' })).status).toBe(200);
    expect((await acme.clients.supportAgent.post(`/api/conversations/${id}/claim`)).status).toBe(404);
    expect((await acme.clients.salesAgent.post(`/api/conversations/${id}/claim`)).status).toBe(409); // offline agents take nothing
    expect((await acme.clients.salesAgent.put('/api/agent/status', { status: 'online' })).status).toBe(200);
    const claimed = await acme.clients.salesAgent.post(`/api/conversations/${id}/claim`);
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    expect(claimed.body.conversation).toMatchObject({ id, assigneeId: acme.users.salesAgent, status: 'assigned' });
  });

  it('assigns with the assign permission only, to agents of the same company', async () => {
    const id = acme.conversations.ungrouped.conversationId;
    expect((await acme.clients.salesAgent.post(`/api/conversations/${id}/assign`, { agentId: acme.users.salesAgent })).status).toBe(403);
    expect((await acme.clients.admin.post(`/api/conversations/${id}/assign`, { agentId: globex.users.salesAgent })).body.issues[0].field).toBe('agentId');
    await acme.clients.supportAgent.put('/api/agent/status', { status: 'online' });
    const assigned = await acme.clients.admin.post(`/api/conversations/${id}/assign`, { agentId: acme.users.supportAgent });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.conversation.assigneeId).toBe(acme.users.supportAgent);
  });

  it('transfers to another group with a note; the conversation then leaves the sender’s view', async () => {
    const id = acme.conversations.salesQueued.conversationId;
    expect((await acme.clients.salesAgent.post(`/api/conversations/${id}/transfer`, { to: { groupId: globex.groups.support } })).body.issues[0].field).toBe(
      'to.groupId',
    );
    expect((await acme.clients.salesAgent.post(`/api/conversations/${id}/transfer`, { to: { groupId: acme.groups.support, queue: true } })).status).toBe(400);
    const moved = await acme.clients.salesAgent.post(`/api/conversations/${id}/transfer`, { to: { groupId: acme.groups.support }, note: 'billing question' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.conversation.groupId).toBe(acme.groups.support);
    expect((await acme.clients.salesAgent.get(`/api/conversations/${id}`)).status).toBe(404);
    const seen = await acme.clients.supportAgent.get(`/api/conversations/${id}`);
    expect(seen.body.messages.some((m: { private: boolean; parts: { text?: string }[] }) => m.private && m.parts[0]?.text === 'billing question')).toBe(true);
  });

  it('resolves and reopens with the resolve permission', async () => {
    const id = acme.conversations.supportAssigned.conversationId;
    expect((await acme.clients.supervisor.post(`/api/conversations/${id}/resolve`)).status).toBe(403);
    const resolved = await acme.clients.supportAgent.post(`/api/conversations/${id}/resolve`);
    expect(resolved.body.conversation.status).toBe('resolved');
    expect((await acme.clients.supportAgent.post(`/api/conversations/${id}/resolve`)).status).toBeLessThan(500);
    const reopened = await acme.clients.supportAgent.post(`/api/conversations/${id}/reopen`);
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect(reopened.body.conversation.status).not.toBe('resolved');
  });

  it("sets one's own status, and admins set others' status and capacity", async () => {
    const mine = await acme.clients.salesAgent.put('/api/agent/status', { status: 'busy' });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.agent.status).toBe('busy');
    expect((await acme.clients.salesAgent.put('/api/agent/status', { status: 'sleeping' })).body.issues[0].field).toBe('status');
    expect((await acme.clients.salesAgent.put(`/api/users/${acme.users.supportAgent}/status`, { status: 'offline' })).status).toBe(403);
    expect((await acme.clients.admin.put(`/api/users/${acme.users.supportAgent}/capacity`, { capacity: { chat: 8 } })).body.agent.capacity).toMatchObject({
      chat: 8,
    });
    expect((await acme.clients.admin.put(`/api/users/${acme.users.supportAgent}/capacity`, { capacity: { chat: -1 } })).body.issues[0].field).toBe(
      'capacity.chat',
    );
    expect((await acme.clients.admin.put(`/api/users/${globex.users.supportAgent}/status`, { status: 'offline' })).status).toBe(404);
  });
});
