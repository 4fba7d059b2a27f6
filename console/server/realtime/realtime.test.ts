import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/services.js';
import { FeedClient, startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';

describe('real-time feed over WebSocket', () => {
  let tc: TestConsole;
  let url: string;
  let acme: Company;
  let globex: Company;
  const feeds: FeedClient[] = [];
  const open = async (client: { cookie?: string; slug?: string }, options?: { heartbeatMs?: number; headers?: Record<string, string> }) => {
    const feed = await FeedClient.open(url, client, options);
    feeds.push(feed);
    return feed;
  };

  beforeAll(async () => {
    tc = await startTestConsole({ env: { PRESENCE_TIMEOUT_SECONDS: '1' } });
    url = await tc.listen();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterEach(() => {
    for (const feed of feeds.splice(0)) feed.close();
  });
  afterAll(async () => {
    await tc.stop();
  });

  it('delivers each event only to the agents who may see its conversation, and never to another company', async () => {
    const admin = await open(acme.clients.admin);
    const sales = await open(acme.clients.salesAgent);
    const support = await open(acme.clients.supportAgent);
    const ownOnly = await open(acme.clients.ownOnly);
    const otherCompany = await open(globex.clients.admin);

    const salesConversation = acme.conversations.salesQueued.conversationId;
    const supportConversation = acme.conversations.supportAssigned.conversationId;
    // A reply to the waiting one takes it for the admin, who must be online for that.
    await acme.clients.admin.put('/api/agent/status', { status: 'online' });
    expect((await acme.clients.admin.post(`/api/conversations/${salesConversation}/messages`, { clientId: 'rt-1', text: 'to sales' })).status).toBe(201);
    await acme.clients.admin.post(`/api/conversations/${supportConversation}/messages`, { clientId: 'rt-2', text: 'to support' });
    const conversationsOf = (feed: FeedClient) => feed.events('message.created').map((e) => e.payload.conversation.id);

    await eventually(() => conversationsOf(admin).length === 2);
    await eventually(() => conversationsOf(sales).length === 1 && conversationsOf(support).length === 1);
    // Give anything misrouted time to arrive before checking it did not.
    await new Promise((r) => setTimeout(r, 200));
    expect(conversationsOf(sales)).toEqual([salesConversation]);
    expect(conversationsOf(support)).toEqual([supportConversation]);
    expect(conversationsOf(ownOnly)).toEqual([]);
    expect(otherCompany.events()).toEqual([]);
    expect(admin.events('message.created')[0].payload.message.parts).toEqual([{ type: 'text', text: 'to sales' }]);
  });

  it('receives events only while an agent is connected to this process, and again when one returns', async () => {
    const hub = tc.part.services.hub;
    const conversationId = acme.conversations.supportAssigned.conversationId;
    // The sockets of other tests are closed: after the grace time the queue is gone.
    await eventually(() => !hub.subscribed, { timeoutMs: 5000 });
    await expect(tc.ctx.bus.depth(hub.queueName)).rejects.toThrow();
    await acme.clients.admin.post(`/api/conversations/${conversationId}/messages`, { clientId: 'rt-idle-1', text: 'while nobody watched' });

    const admin = await open(acme.clients.admin);
    expect(hub.subscribed).toBe(true);
    await acme.clients.admin.post(`/api/conversations/${conversationId}/messages`, { clientId: 'rt-idle-2', text: 'while watched' });
    await eventually(() => admin.events('message.created').length === 1);
    admin.close();
    await eventually(() => !hub.subscribed, { timeoutMs: 5000 });
    await expect(tc.ctx.bus.depth(hub.queueName)).rejects.toThrow();

    const again = await open(acme.clients.admin);
    await acme.clients.admin.post(`/api/conversations/${conversationId}/messages`, { clientId: 'rt-idle-3', text: 'watched again' });
    await eventually(() => again.events('message.created').length === 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(again.events('message.created').map((e) => e.payload.message.parts)).toEqual([[{ type: 'text', text: 'watched again' }]]);
  });

  it('carries typing to those who may see the conversation', async () => {
    const admin = await open(acme.clients.admin);
    const support = await open(acme.clients.supportAgent);
    const sales = await open(acme.clients.salesAgent);
    sales.send({ type: 'typing', conversationId: acme.conversations.salesQueued.conversationId, on: true });
    await eventually(() => admin.events('typing').length === 1);
    expect(admin.events('typing')[0].payload).toMatchObject({ from: 'agent', agentId: acme.users.salesAgent, on: true });
    // Typing into a conversation one may not see is refused.
    sales.send({ type: 'typing', conversationId: acme.conversations.supportAssigned.conversationId, on: true });
    await eventually(() => sales.received.some((m) => m.type === 'error'));
    await new Promise((r) => setTimeout(r, 150));
    expect(support.events('typing')).toEqual([]);
    expect(admin.events('typing')).toHaveLength(1);
  });

  it('refuses a socket without a session, with another company, or from another site', async () => {
    await expect(open({ slug: 'acme' })).rejects.toThrow('401');
    await expect(open({ cookie: acme.clients.admin.cookie, slug: 'globex' })).rejects.toThrow('401');
    await expect(open(acme.clients.admin, { headers: { origin: 'https://evil.example' } })).rejects.toThrow('403');
    const plain = await fetch(`${url}/api/realtime`, { headers: { cookie: acme.clients.admin.cookie!, 'x-switchboard-tenant': 'acme' } });
    expect(plain.status).toBe(426);
  });

  it('closes the socket at the next heartbeat once the user is signed out or deactivated', async () => {
    const client = tc.client('acme');
    await client.signIn(`support@acme.example`, 'agent password 1');
    const feed = await open(client);
    await client.delete('/api/session');
    await eventually(() => feed.closed?.code === 4401);
  });

  it('sets an online agent away when their last tab is gone, and online again when they return', async () => {
    const db = tc.ctx.database.db;
    await db.updateTable('users').set({ agent_status: 'online' }).where('id', '=', acme.users.ownOnly).execute();
    const watcher = await open(acme.clients.admin);
    const first = await open(acme.clients.ownOnly);
    const second = await open(acme.clients.ownOnly);
    first.close();
    await new Promise((r) => setTimeout(r, 300));
    expect((await db.selectFrom('users').select('agent_status').where('id', '=', acme.users.ownOnly).executeTakeFirstOrThrow()).agent_status).toBe('online');
    // The second tab goes silent (no heartbeat, no close): the timeout notices.
    second.stopHeartbeat();
    await eventually(() => watcher.events('agent.status').some((e) => e.payload.userId === acme.users.ownOnly && e.payload.status === 'away'), {
      timeoutMs: 5000,
    });
    await eventually(() => second.closed?.code === 4408);
    await open(acme.clients.ownOnly);
    await eventually(() => watcher.events('agent.status').some((e) => e.payload.userId === acme.users.ownOnly && e.payload.status === 'online'));
    // Someone who chose away stays away when they connect.
    await db.updateTable('users').set({ agent_status: 'away' }).where('id', '=', acme.users.salesAgent).execute();
    await open(acme.clients.salesAgent);
    await new Promise((r) => setTimeout(r, 200));
    expect((await db.selectFrom('users').select('agent_status').where('id', '=', acme.users.salesAgent).executeTakeFirstOrThrow()).agent_status).toBe('away');
  });

  it('ignores malformed messages without dropping the socket', async () => {
    const feed = await open(acme.clients.admin);
    feed.socket.send('not json');
    feed.send({ type: 'typing', conversationId: 'nope', on: 'yes' });
    await eventually(() => feed.received.filter((m) => m.type === 'error').length === 2);
    expect(feed.socket.readyState).toBe(WebSocket.OPEN);
  });
});
