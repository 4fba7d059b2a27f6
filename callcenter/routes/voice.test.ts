import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../core/connector/channels.js';
import { ConnectorRegistry } from '../../core/connector/registry.js';
import { builtInConnectors } from '../../connectors/index.js';
import { FakeAri, FAKE_WAV } from '../../test/fakes/ari.js';
import { buildCompany, type Company } from '../../test/support/console-world.js';
import { startTestConsole, type TestConsole } from '../../test/support/console.js';

const say = (text: string) => ({ type: 'text', text });

describe('call center in the console API', () => {
  let tc: TestConsole;
  let co: Company;
  let other: Company;
  const ari = new FakeAri();

  beforeAll(async () => {
    await ari.start();
    tc = await startTestConsole();
    co = await buildCompany(tc, 'voiceco');
    other = await buildCompany(tc, 'otherco');
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
    await ari.stop();
  });

  const menu = (sales: string) => ({
    start: { type: 'menu', menuId: 'main' },
    menus: [
      { id: 'main', prompt: say('1 sales, 2 more'), options: { '1': { type: 'queue', groupId: sales }, '2': { type: 'menu', menuId: 'more' } } },
      { id: 'more', prompt: say('0 back, 9 bye'), options: { '0': { type: 'menu', menuId: 'main' }, '9': { type: 'hangup' } } },
    ],
  });

  it('saves a phone menu only when every key leads somewhere, some way leads out, and it names the company’s own queues', async () => {
    const admin = co.clients.admin;
    const saved = await admin.post('/api/ivr-flows', { name: 'Main line', definition: menu(co.groups.sales) });
    expect(saved.status).toBe(201);
    expect((await admin.get(`/api/ivr-flows/${saved.body.id}`)).body.definition.menus[0].timeoutSeconds).toBe(5);

    const dangling = await admin.post('/api/ivr-flows', {
      name: 'Broken',
      definition: { start: { type: 'menu', menuId: 'main' }, menus: [{ id: 'main', prompt: say('x'), options: { '3': { type: 'menu', menuId: 'ghost' } } }] },
    });
    expect(dangling.status).toBe(400);
    expect(dangling.body.issues).toContainEqual({ field: 'definition.menus.0.options.3', message: 'no menu "ghost"' });

    const loop = await admin.post('/api/ivr-flows', {
      name: 'Loop',
      definition: {
        start: { type: 'menu', menuId: 'a' },
        menus: [
          { id: 'a', prompt: say('a'), options: { '1': { type: 'menu', menuId: 'b' } } },
          { id: 'b', prompt: say('b'), options: { '1': { type: 'menu', menuId: 'a' } } },
        ],
      },
    });
    expect(loop.status).toBe(400);
    expect(loop.body.issues[0].message).toContain('can never leave');

    const foreign = await admin.post('/api/ivr-flows', { name: 'Foreign', definition: menu(other.groups.sales) });
    expect(foreign.status).toBe(400);
    expect(foreign.body.issues).toContainEqual({ field: 'definition.menus.0.options.1', message: 'no such group' });

    expect((await co.clients.salesAgent.post('/api/ivr-flows', { name: 'Mine', definition: menu(co.groups.sales) })).status).toBe(403);
    expect((await other.clients.admin.get(`/api/ivr-flows/${saved.body.id}`)).status).toBe(404);
    expect((await admin.get('/api/ivr-flows')).body.flows.map((f: { name: string }) => f.name)).toEqual(['Main line']);
  });

  it('refuses to delete a phone menu a channel uses', async () => {
    const admin = co.clients.admin;
    const flow = (await admin.post('/api/ivr-flows', { name: 'Used', definition: menu(co.groups.sales) })).body;
    const deps = { db: tc.ctx.database.db, bus: tc.ctx.bus, config: tc.ctx.config, registry: new ConnectorRegistry(builtInConnectors) };
    await createChannel(deps, co.tenantId, { type: 'voice-cti', name: 'PBX', config: { token: 'cti-token-0123456789' } });
    const channel = await createChannel(deps, co.tenantId, {
      type: 'voice-asterisk',
      name: 'Asterisk',
      config: { ariUrl: ari.url, ariUser: 'asterisk', ariPassword: 'ari-secret', ivrFlowId: flow.id },
    });
    expect((await admin.delete(`/api/ivr-flows/${flow.id}`)).status).toBe(409);
    await tc.ctx.database.db.deleteFrom('channels').where('id', '=', channel.channel.id).execute();
    expect((await admin.delete(`/api/ivr-flows/${flow.id}`)).status).toBe(204);
  });

  it('shows a call’s record and timeline, streams its recording and pops the caller, to those who may see the call only', async () => {
    const db = tc.ctx.database.db;
    const deps = { db, bus: tc.ctx.bus, config: tc.ctx.config, registry: new ConnectorRegistry(builtInConnectors) };
    const { channel } = await createChannel(deps, co.tenantId, {
      type: 'voice-asterisk',
      name: 'Asterisk line',
      config: { ariUrl: ari.url, ariUser: 'asterisk', ariPassword: 'ari-secret' },
    });
    const contact = await db
      .insertInto('contacts')
      .values({ tenant_id: co.tenantId, name: 'Wang Fang', email: null, phone: '+8613900000009' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const conversation = await db
      .insertInto('conversations')
      .values({
        tenant_id: co.tenantId,
        channel_id: channel.id,
        contact_id: contact.id,
        kind: 'voice',
        thread_key: '1700000000.1',
        status: 'resolved',
        group_id: co.groups.sales,
        assignee_id: co.users.salesAgent,
        subject: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const call = await db
      .insertInto('calls')
      .values({
        tenant_id: co.tenantId,
        channel_id: channel.id,
        provider_call_id: '1700000000.1',
        direction: 'in',
        from_number: '+8613900000009',
        to_number: '4000',
        state: 'ended',
        ivr_flow_id: null,
        ivr_menu: null,
        group_id: co.groups.sales,
        agent_id: co.users.salesAgent,
        agent_leg_id: null,
        bridge_id: null,
        queued_at: new Date(Date.now() - 60_000),
        answered_at: new Date(Date.now() - 50_000),
        ended_at: new Date(),
        wait_seconds: 10,
        talk_seconds: 50,
        recording_ref: 'ari:call-1',
        disposition: 'answered',
        cause: 'Normal Clearing',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const kind of ['started', 'queued', 'ringing', 'answered', 'ended'])
      await db.insertInto('call_events').values({ tenant_id: co.tenantId, call_id: call.id, kind, detail: '{}' }).execute();
    ari.recordings.push('call-1');

    const record = await co.clients.salesAgent.get(`/api/conversations/${conversation.id}/call`);
    expect(record.status).toBe(200);
    expect(record.body.call).toMatchObject({ from: '+8613900000009', waitSeconds: 10, talkSeconds: 50, disposition: 'answered', hasRecording: true });
    expect(record.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['started', 'queued', 'ringing', 'answered', 'ended']);
    expect(JSON.stringify(record.body)).not.toContain('ari:');

    const audio = await tc.app.request(`/api/calls/${call.id}/recording`, {
      headers: { 'x-switchboard-tenant': co.slug, cookie: co.clients.salesAgent.cookie!, 'x-forwarded-for': '203.0.113.7' },
    });
    expect(audio.status).toBe(200);
    expect(audio.headers.get('cache-control')).toContain('no-store');
    expect(Buffer.from(await audio.arrayBuffer())).toEqual(FAKE_WAV);

    // The support agent does not see sales calls; another company sees nothing; a role without calls.listen cannot play.
    expect((await co.clients.supportAgent.get(`/api/conversations/${conversation.id}/call`)).status).toBe(404);
    expect((await co.clients.supportAgent.get(`/api/calls/${call.id}/recording`)).status).toBe(404);
    expect((await other.clients.admin.get(`/api/calls/${call.id}/recording`)).status).toBe(404);
    expect((await co.clients.ownOnly.get(`/api/calls/${call.id}/recording`)).status).toBe(403);

    const pop = await co.clients.salesAgent.get(`/api/calls/${call.id}/pop`);
    expect(pop.status).toBe(200);
    expect(pop.body).toMatchObject({ number: '+8613900000009', contact: { name: 'Wang Fang' }, offerCreateContact: false });
    expect(pop.body.conversations.map((c: { id: string }) => c.id)).toContain(conversation.id);
    expect(pop.body.tickets).toEqual([]);

    // The caller's earlier tickets: those the agent may see (not the support group's), newest first.
    const ticket = async (subject: string, groupId: string) =>
      (await co.clients.admin.post('/api/tickets', { subject, requesterId: contact.id, groupId })).body as { id: string; number: number };
    const first = await ticket('耳机有杂音', co.groups.sales);
    const support = await ticket('发票抬头错误', co.groups.support);
    const second = await ticket('退货：订单 A1001', co.groups.sales);
    const popped = await co.clients.salesAgent.get(`/api/calls/${call.id}/pop`);
    expect(popped.body.tickets).toEqual([
      { id: second.id, number: second.number, subject: '退货：订单 A1001', status: 'new', createdAt: expect.any(String) },
      { id: first.id, number: first.number, subject: '耳机有杂音', status: 'new', createdAt: expect.any(String) },
    ]);
    expect(new Date(popped.body.tickets[0].createdAt).getTime()).toBeGreaterThanOrEqual(new Date(popped.body.tickets[1].createdAt).getTime());
    expect((await co.clients.admin.get(`/api/calls/${call.id}/pop`)).body.tickets.map((t: { id: string }) => t.id)).toEqual([second.id, support.id, first.id]);
  });

  it('shows each agent’s phone status, work state and queues, and sets where an agent’s phone rings', async () => {
    const admin = co.clients.admin;
    const set = await admin.put(`/api/agents/${co.users.salesAgent}/phone`, { sip: '1001', wrapUpSeconds: 30 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ sip: '1001', webrtc: null, mobile: null, wrapUpSeconds: 30 });
    expect((await admin.put(`/api/agents/${co.users.salesAgent}/phone`, { mobile: 'not a number' })).status).toBe(400);
    expect((await co.clients.salesAgent.put(`/api/agents/${co.users.salesAgent}/phone`, { sip: '9' })).status).toBe(403);
    await tc.ctx.database.db.updateTable('users').set({ phone_status: 'ip_phone', agent_status: 'online' }).where('id', '=', co.users.salesAgent).execute();
    const board = await admin.get('/api/call-center/agents');
    expect(board.status).toBe(200);
    const sales = board.body.agents.find((a: { id: string }) => a.id === co.users.salesAgent);
    expect(sales).toMatchObject({ phoneStatus: 'ip_phone', queues: ['Sales'] });
    // The sales agent's call ended moments ago and they have 30 s of after-call work.
    expect(sales.workState).toBe('wrap_up');
  });
});
