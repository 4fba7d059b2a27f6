import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCompany, type Company } from '../../test/support/console-world.js';
import { startTestConsole, type TestConsole } from '../../test/support/console.js';

describe('business records', () => {
  let tc: TestConsole;
  let co: Company;
  let other: Company;
  let conversationId: string;
  let callId: string;

  beforeAll(async () => {
    tc = await startTestConsole();
    co = await buildCompany(tc, 'records');
    other = await buildCompany(tc, 'records-other');
    const db = tc.ctx.database.db;
    const channel = await db
      .insertInto('channels')
      .values({ tenant_id: co.tenantId, type: 'voice-cti', name: 'PBX' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const contact = await db
      .insertInto('contacts')
      .values({ tenant_id: co.tenantId, name: '李雷', email: null, phone: '+8613500000001' })
      .returning('id')
      .executeTakeFirstOrThrow();
    conversationId = (
      await db
        .insertInto('conversations')
        .values({
          tenant_id: co.tenantId,
          channel_id: channel.id,
          contact_id: contact.id,
          kind: 'voice',
          thread_key: 'pbx-9',
          status: 'assigned',
          group_id: co.groups.sales,
          assignee_id: co.users.salesAgent,
          subject: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    callId = (
      await db
        .insertInto('calls')
        .values({
          tenant_id: co.tenantId,
          channel_id: channel.id,
          provider_call_id: 'pbx-9',
          direction: 'in',
          from_number: '+8613500000001',
          to_number: '4000',
          state: 'answered',
          ivr_flow_id: null,
          ivr_menu: null,
          group_id: co.groups.sales,
          agent_id: co.users.salesAgent,
          agent_leg_id: null,
          bridge_id: null,
          wait_seconds: null,
          talk_seconds: null,
          recording_ref: 'ari:call-9',
          disposition: null,
          cause: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await db
      .insertInto('custom_fields')
      .values([
        { tenant_id: co.tenantId, key: 'order_no', label: '订单号', type: 'text', options: [] },
        { tenant_id: co.tenantId, key: 'reason', label: '原因', type: 'select', options: ['退货', '换货'] },
      ])
      .execute();
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it('is written on a call with the company’s custom fields and carries the call and its recording', async () => {
    const agent = co.clients.salesAgent;
    const written = await agent.post(`/api/conversations/${conversationId}/business-records`, {
      subject: '客户要求退货，商品有划痕',
      fields: { order_no: 'A1001', reason: '退货' },
      body: '已登记',
    });
    expect(written.status).toBe(201);
    expect(written.body).toMatchObject({ callId, hasRecording: true, fields: { order_no: 'A1001', reason: '退货' } });
    const unknown = await agent.post(`/api/conversations/${conversationId}/business-records`, { subject: 'x', fields: { colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([{ field: 'fields.colour', message: 'no such custom field' }]);
    expect((await agent.post(`/api/conversations/${conversationId}/business-records`, { subject: 'x', fields: { reason: '维修' } })).status).toBe(400);
    expect((await co.clients.supportAgent.post(`/api/conversations/${conversationId}/business-records`, { subject: 'x' })).status).toBe(404);
  });

  it('is found by any part of its subject, custom fields or text, in Chinese too, by those who may see its call', async () => {
    await co.clients.salesAgent.post(`/api/conversations/${conversationId}/business-records`, {
      subject: '咨询换货流程',
      fields: { reason: '换货', order_no: 'B2002' },
    });
    const subjects = async (client: typeof co.clients.admin, query: string) =>
      (await client.get(`/api/business-records?${query}`)).body.records.map((r: { subject: string }) => r.subject);
    expect(await subjects(co.clients.salesAgent, `q=${encodeURIComponent('退货')}`)).toEqual(['客户要求退货，商品有划痕']);
    expect(await subjects(co.clients.salesAgent, 'q=B200')).toEqual(['咨询换货流程']);
    expect(await subjects(co.clients.salesAgent, `field=reason&value=${encodeURIComponent('换')}`)).toEqual(['咨询换货流程']);
    expect(await subjects(co.clients.salesAgent, `q=${encodeURIComponent('划痕')}`)).toHaveLength(1);
    expect(await subjects(co.clients.supportAgent, `q=${encodeURIComponent('退货')}`)).toEqual([]);
    expect(await subjects(other.clients.admin, `q=${encodeURIComponent('退货')}`)).toEqual([]);
    const one = (await co.clients.salesAgent.get('/api/business-records')).body.records[0];
    expect((await co.clients.salesAgent.get(`/api/business-records/${one.id}`)).body.callId).toBe(callId);
  });
});
