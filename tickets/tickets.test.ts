import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTicketsForContact } from './read.js';
import { buildCompany, type Company } from '../test/support/console-world.js';
import { startTestConsole, type TestConsole } from '../test/support/console.js';
import { emailChannel, eventually } from '../test/support/ticket-world.js';

describe('tickets', () => {
  let tc: TestConsole;
  let co: Company;
  let other: Company;
  let mail: Awaited<ReturnType<typeof emailChannel>>;
  const db = () => tc.ctx.database.db;

  beforeAll(async () => {
    tc = await startTestConsole({ env: { SIGN_IN_FREE_FAILURES_PER_IP: '100000' } });
    co = await buildCompany(tc, 'tix');
    other = await buildCompany(tc, 'tix-other');
    mail = await emailChannel(db(), co.tenantId);
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it('turns a conversation into a ticket for its customer and group, and keeps every change in the history', async () => {
    const agent = co.clients.salesAgent;
    const created = await agent.post('/api/tickets', {
      conversationId: co.conversations.salesQueued.conversationId,
      subject: '退款申请 order A1001',
      priority: 'high',
      tags: ['refund'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      number: 1,
      status: 'new',
      source: 'conversation',
      requesterId: co.conversations.salesQueued.contactId,
      groupId: co.groups.sales,
      conversationId: co.conversations.salesQueued.conversationId,
      tags: ['refund'],
    });
    const id = created.body.id as string;

    const changed = await agent.patch(`/api/tickets/${id}`, { status: 'pending', assigneeId: co.users.salesAgent, addTags: ['vip'] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ status: 'pending', assigneeId: co.users.salesAgent, tags: ['refund', 'vip'] });

    const page = await agent.get(`/api/tickets/${id}`);
    expect(page.status).toBe(200);
    const lines = page.body.history.map((h: { field: string; from: unknown; to: unknown; actorId: string }) => [h.field, h.from, h.to, h.actorId]);
    expect(lines).toEqual(
      expect.arrayContaining([
        ['status', 'new', 'pending', co.users.salesAgent],
        ['assignee_id', null, co.users.salesAgent, co.users.salesAgent],
        ['tags', ['refund'], ['refund', 'vip'], co.users.salesAgent],
      ]),
    );
    expect(page.body.requester).toMatchObject({ id: co.conversations.salesQueued.contactId });
    expect((await listTicketsForContact(db(), co.tenantId, co.conversations.salesQueued.contactId)).map((t) => t.id)).toContain(id);
  });

  it('sends a public reply to the customer on the ticket’s conversation and keeps an internal note off it', async () => {
    const agent = co.clients.salesAgent;
    const { body: ticket } = await agent.post('/api/tickets', { conversationId: co.conversations.ownOnlyAssigned.conversationId, subject: 'Broken hinge' });
    const reply = await agent.post(`/api/tickets/${ticket.id}/comments`, { body: 'A new hinge is on its way.', public: true, status: 'pending' });
    expect(reply.status).toBe(201);
    expect(reply.body.ticket.status).toBe('pending');
    const note = await agent.post(`/api/tickets/${ticket.id}/comments`, { body: 'Supplier says two days.', public: false });
    expect(note.body.comment.messageId).toBeNull();
    const messages = await db()
      .selectFrom('messages')
      .select(['direction', 'content', 'status'])
      .where('conversation_id', '=', ticket.conversationId)
      .where('direction', '=', 'out')
      .execute();
    expect(messages.map((m) => (m.content as { text: string }[])[0]!.text)).toEqual(['A new hinge is on its way.']);
    const outbound = await db().selectFrom('outbox').select('payload').where('exchange', '=', 'outbound').where('tenant_id', '=', co.tenantId).execute();
    expect(outbound.some((o) => JSON.stringify(o.payload).includes('A new hinge is on its way.'))).toBe(true);
    expect(outbound.some((o) => JSON.stringify(o.payload).includes('Supplier says'))).toBe(false);
  });

  it('numbers a company’s tickets without gaps or repeats when many are opened at once', async () => {
    const contact = co.conversations.ungrouped.contactId;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => co.clients.admin.post('/api/tickets', { requesterId: contact, subject: `parallel ${i}` })),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const numbers = (await db().selectFrom('tickets').select('number').where('tenant_id', '=', co.tenantId).execute())
      .map((r) => Number(r.number))
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    // Another company counts from one.
    const theirs = await other.clients.admin.post('/api/tickets', { requesterId: other.conversations.ungrouped.contactId, subject: 'first' });
    expect(theirs.body.number).toBe(1);
  });

  it('lands the customer’s e-mail reply on the ticket and opens it again', async () => {
    await mail.receive(
      'From: Wang Fang <wang@customer.example>\r\nTo: support@shop.example\r\nSubject: 发票抬头错误\r\nMessage-ID: <first-1@customer.example>\r\n\r\n发票抬头写错了，请重开。\r\n',
    );
    const conversation = await db().selectFrom('conversations').select(['id', 'contact_id']).where('channel_id', '=', mail.channelId).executeTakeFirstOrThrow();
    const { body: ticket } = await co.clients.admin.post('/api/tickets', { conversationId: conversation.id, subject: '发票抬头错误' });
    expect(ticket.source).toBe('email');
    const reply = await co.clients.admin.post(`/api/tickets/${ticket.id}/comments`, { body: '请提供正确的抬头。', public: true, status: 'pending' });
    // What the e-mail connector records once the reply is sent: our Message-ID.
    await db()
      .updateTable('messages')
      .set({ status: 'sent', provider_message_id: 'reply-1@shop.example' })
      .where('id', '=', reply.body.comment.messageId)
      .execute();

    await mail.receive(
      'From: Wang Fang <wang@customer.example>\r\nTo: support@shop.example\r\nSubject: Re: 发票抬头错误\r\nMessage-ID: <second-2@customer.example>\r\nIn-Reply-To: <reply-1@shop.example>\r\nReferences: <first-1@customer.example> <reply-1@shop.example>\r\n\r\n抬头是：上海某某有限公司\r\n',
    );
    const page = await eventually(async () => {
      const p = await co.clients.admin.get(`/api/tickets/${ticket.id}`);
      return p.body.comments.some((c: { authorType: string }) => c.authorType === 'contact') ? p : undefined;
    });
    const fromCustomer = page.body.comments.filter((c: { authorType: string }) => c.authorType === 'contact');
    expect(fromCustomer).toHaveLength(1);
    expect(fromCustomer[0].body).toContain('上海某某有限公司');
    expect(page.body.status).toBe('open');
    expect(page.body.history.some((h: { field: string; from: string; to: string }) => h.field === 'status' && h.from === 'pending' && h.to === 'open')).toBe(
      true,
    );
  });

  it('replies by e-mail on a ticket opened by hand, and the answer (matched by the subject token) lands on it', async () => {
    const contact = await db()
      .insertInto('contacts')
      .values({ tenant_id: co.tenantId, name: 'Li Lei', email: 'li.lei@customer.example' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { body: ticket } = await co.clients.admin.post('/api/tickets', { requesterId: contact.id, subject: 'Warranty question' });
    expect(ticket.source).toBe('manual');
    const reply = await co.clients.admin.post(`/api/tickets/${ticket.id}/comments`, { body: 'Your warranty runs until 2028.', public: true });
    expect(reply.status).toBe(201);
    const conversation = await db()
      .selectFrom('tickets')
      .innerJoin('conversations', 'conversations.id', 'tickets.conversation_id')
      .innerJoin('channels', 'channels.id', 'conversations.channel_id')
      .select(['conversations.thread_key', 'channels.type'])
      .where('tickets.id', '=', ticket.id)
      .executeTakeFirstOrThrow();
    expect(conversation.type).toBe('email');
    await mail.receive(
      `From: li.lei@customer.example\r\nTo: support@shop.example\r\nSubject: RE: Warranty question [#${conversation.thread_key}]\r\nMessage-ID: <li-1@customer.example>\r\n\r\nThanks, and the battery?\r\n`,
    );
    await eventually(async () =>
      (await co.clients.admin.get(`/api/tickets/${ticket.id}`)).body.comments.some((c: { body: string }) => c.body.includes('the battery')),
    );
  });
});
