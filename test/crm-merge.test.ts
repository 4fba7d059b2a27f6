import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEnvelope } from '../core/domain/messages.js';
import { processInbound } from '../router/pipeline/process-batch.js';
import { inboundPipeline } from '../app/pipeline.js';
import { startTestConsole, type TestConsole } from './support/console.js';
import { buildCompany, type Company } from './support/console-world.js';

/**
 * One customer who wrote from WeChat and by e-mail arrives as two contacts (the router knows
 * them by channel identity); an agent merges them, sees one history, and undoes a mistaken merge.
 */
describe('one customer across channels: merge, timeline, undo', () => {
  let tc: TestConsole;
  let acme: Company;
  let wechatId: string;
  let emailId: string;

  const inbound = (
    channelId: string,
    channelType: string,
    message: { from: string; text: string; name?: string; email?: string; kind?: 'chat' | 'email'; subject?: string },
  ): InboundEnvelope => ({
    version: 1,
    tenantId: acme.tenantId,
    channelId,
    channelType,
    receivedAt: new Date().toISOString(),
    message: {
      externalId: randomUUID(),
      sender: { externalId: message.from, displayName: message.name, email: message.email },
      parts: [{ type: 'text', text: message.text }],
      kind: message.kind,
      subject: message.subject,
    },
  });
  const deliver = (envelope: InboundEnvelope) =>
    tc.ctx.database.db.transaction().execute((trx) => processInbound(trx, [envelope], { pipeline: inboundPipeline }));
  const contactOf = async (channelId: string, externalId: string) =>
    (
      await tc.ctx.database.db
        .selectFrom('contact_identities')
        .select('contact_id')
        .where('channel_id', '=', channelId)
        .where('external_id', '=', externalId)
        .executeTakeFirstOrThrow()
    ).contact_id;

  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    const db = tc.ctx.database.db;
    wechatId = (
      await db.insertInto('channels').values({ tenant_id: acme.tenantId, type: 'wechat-oa', name: 'WeChat' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    emailId = (
      await db.insertInto('channels').values({ tenant_id: acme.tenantId, type: 'email', name: 'Support mail' }).returning('id').executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => tc.stop());

  it('merges the WeChat and e-mail contacts of one customer; the timeline shows both conversations; undo separates them again', async () => {
    const admin = acme.clients.admin;
    await deliver(inbound(wechatId, 'wechat-oa', { from: 'oOpenId-fang', name: '王芳', text: '我要退款，订单号 1234' }));
    await deliver(
      inbound(emailId, 'email', {
        from: 'fang@example.cn',
        email: 'fang@example.cn',
        name: 'Fang Wang',
        text: 'Where is my refund?',
        kind: 'email',
        subject: 'Refund for order 1234',
      }),
    );
    const wechatContact = await contactOf(wechatId, 'oOpenId-fang');
    const emailContact = await contactOf(emailId, 'fang@example.cn');
    expect(wechatContact).not.toBe(emailContact);

    const note = await admin.post(`/api/contacts/${wechatContact}/notes`, { body: '电话回访：周五下午' });
    expect(note.status).toBe(201);
    expect((await admin.post(`/api/contacts/${wechatContact}/handles`, { kind: 'wechat_unionid', value: 'union-fang' })).status).toBe(201);
    const ticket = await admin.post('/api/tickets', { subject: '退款未到账', requesterId: wechatContact, description: '客户通过微信申请退款' });
    expect(ticket.status).toBe(201);

    const merged = await admin.post(`/api/contacts/${emailContact}/merge`, { sourceId: wechatContact });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id: emailContact, email: 'fang@example.cn', name: 'Fang Wang' });
    const mergeId = merged.body.mergeId as string;

    const timeline = (await admin.get(`/api/contacts/${emailContact}/timeline`)).body.items as {
      kind: string;
      title: string;
      detail: Record<string, unknown>;
    }[];
    const conversations = timeline.filter((i) => i.kind === 'conversation');
    expect(conversations.map((c) => c.detail.channelType).sort()).toEqual(['email', 'wechat-oa']);
    expect(conversations.map((c) => c.title)).toEqual(expect.arrayContaining(['我要退款，订单号 1234', 'Refund for order 1234']));
    expect(timeline.find((i) => i.kind === 'note')?.title).toBe('电话回访：周五下午');
    expect(timeline.find((i) => i.kind === 'ticket')?.title).toMatch(/^#\d+ 退款未到账$/);
    const found = (await admin.get(`/api/search?q=${encodeURIComponent('退款未到')}&kinds=ticket`)).body.hits;
    expect(found).toEqual([expect.objectContaining({ kind: 'ticket', id: ticket.body.id, contactId: emailContact })]);
    expect(timeline.find((i) => i.kind === 'merge')?.detail).toMatchObject({ sourceId: wechatContact, undoneAt: null });
    const one = await admin.get(`/api/contacts/${emailContact}`);
    expect(one.body.identities.map((i: { channelType: string }) => i.channelType).sort()).toEqual(['email', 'wechat-oa']);
    expect(one.body.handles).toEqual([expect.objectContaining({ kind: 'wechat_unionid', value: 'union-fang' })]);
    expect((await admin.get(`/api/contacts/${wechatContact}`)).status).toBe(404);

    // The customer writes again on WeChat: the message lands on the merged contact.
    await deliver(inbound(wechatId, 'wechat-oa', { from: 'oOpenId-fang', text: '还没收到退款' }));
    expect(await contactOf(wechatId, 'oOpenId-fang')).toBe(emailContact);

    const undone = await admin.post(`/api/contact-merges/${mergeId}/undo`, {});
    expect(undone.status).toBe(200);
    expect(undone.body.source).toMatchObject({ id: wechatContact, name: '王芳' });
    expect(undone.body.target).toMatchObject({ id: emailContact, name: 'Fang Wang' });
    expect(await contactOf(wechatId, 'oOpenId-fang')).toBe(wechatContact);
    const wechatTimeline = (await admin.get(`/api/contacts/${wechatContact}/timeline`)).body.items as { kind: string; detail: Record<string, unknown> }[];
    expect(wechatTimeline.filter((i) => i.kind === 'conversation').map((c) => c.detail.channelType)).toEqual(['wechat-oa']);
    expect(wechatTimeline.some((i) => i.kind === 'note')).toBe(true);
    expect(wechatTimeline.some((i) => i.kind === 'ticket')).toBe(true);
    const emailTimeline = (await admin.get(`/api/contacts/${emailContact}/timeline`)).body.items as { kind: string; detail: Record<string, unknown> }[];
    expect(emailTimeline.filter((i) => i.kind === 'conversation').map((c) => c.detail.channelType)).toEqual(['email']);
    expect(emailTimeline.find((i) => i.kind === 'merge')?.detail.undoneAt).toEqual(expect.any(String));
    expect((await admin.get(`/api/contacts/${wechatContact}`)).body.handles).toEqual([expect.objectContaining({ value: 'union-fang' })]);
    expect((await admin.post(`/api/contact-merges/${mergeId}/undo`, {})).status).toBe(409);
  });

  it('suggests contacts with the same e-mail, phone or UnionID as duplicates, only to those who may see both', async () => {
    const admin = acme.clients.admin;
    const a = (await admin.post('/api/contacts', { name: 'Li Lei', email: 'LiLei@example.com', phone: '+86 138 0013 8000' })).body.id as string;
    const b = (await admin.post('/api/contacts', { name: '李雷', email: 'lilei@example.com' })).body.id as string;
    const c = (await admin.post('/api/contacts', { name: 'Lei (phone)', phone: '86-13800138000' })).body.id as string;
    const d = (await admin.post('/api/contacts', { name: 'Lei (WeChat)' })).body.id as string;
    const e = (await admin.post('/api/contacts', { name: 'Somebody else', email: 'else@example.com' })).body.id as string;
    await admin.post(`/api/contacts/${a}/handles`, { kind: 'wechat_unionid', value: 'union-lilei' });
    await admin.post(`/api/contacts/${d}/handles`, { kind: 'wechat_unionid', value: 'union-lilei' });
    const mine = await admin.get(`/api/contacts/${a}/duplicates`);
    const byId = Object.fromEntries(mine.body.duplicates.map((x: { contact: { id: string }; reasons: string[] }) => [x.contact.id, x.reasons]));
    expect(byId).toEqual({ [b]: ['email'], [c]: ['phone'], [d]: ['wechat_unionid'] });
    expect(byId[e]).toBeUndefined();
    const groups = (await admin.get('/api/contact-duplicates')).body.groups as { reason: string; contacts: { id: string }[] }[];
    expect(
      groups
        .find((g) => g.reason === 'email' && g.contacts.some((x) => x.id === b))
        ?.contacts.map((x) => x.id)
        .sort(),
    ).toEqual([a, b].sort());
    // An agent who sees only their groups sees none of these (no conversation of theirs).
    expect((await acme.clients.salesAgent.get(`/api/contacts/${a}/duplicates`)).status).toBe(404);
    expect((await acme.clients.salesAgent.get('/api/contact-duplicates')).status).toBe(403);
  });

  it("keeps another group's customer, notes and timeline out of reach of a group-limited agent", async () => {
    const admin = acme.clients.admin;
    const support = acme.conversations.supportAssigned.contactId;
    expect((await admin.post(`/api/contacts/${support}/notes`, { body: 'support-only secret note' })).status).toBe(201);
    const sales = acme.clients.salesAgent;
    expect((await sales.get(`/api/contacts/${support}/timeline`)).status).toBe(404);
    expect((await sales.post(`/api/contacts/${support}/notes`, { body: 'x' })).status).toBe(404);
    const own = await sales.get(`/api/contacts/${acme.conversations.salesQueued.contactId}/timeline`);
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.body)).not.toContain('support-only secret note');
    const supportView = await acme.clients.supportAgent.get(`/api/contacts/${support}/timeline`);
    expect(supportView.body.items.map((i: { title: string }) => i.title)).toContain('support-only secret note');
  });
});
